// Exchange rates: import the ECB's file (its CSV or its zip), the rates of a period, and
// overriding one with a reason (a rate entered by hand stays effective over later imports).

import { clear, h } from "./dom.js";
import { $, attempt, say, when } from "./finance-common.js";
import { formatRate } from "./format.js";
import { gql, post } from "./session.js";

const RATES = `query($period: [String!]) {
  exchangeRates(period: $period) { id currency type period entity line rate source reason createdBy createdAt }
}`;

const OVERRIDE = `mutation($input: ExchangeRateInput!) {
  overrideExchangeRate(input: $input) { currency type period rate }
}`;

const TYPE_WORDS = { CLOSING: "closing", AVERAGE: "average", OPENING: "opening", HISTORICAL: "historical" };

function count(number) {
  return Number(number).toLocaleString("en-GB");
}

// The import's summary as the command line says it (hub/fx/cli.py).
export function described(summary) {
  if (!summary.days) return "The file has no rates: nothing imported.";
  let text =
    `Imported ${count(summary.days)} days (${summary.first_day} to ${summary.last_day}) of ` +
    `${summary.currencies.length} currencies: ${count(summary.daily_rates)} daily rates, ` +
    `${count(summary.daily_added)} new`;
  if (summary.daily_differing) {
    text += ` (${count(summary.daily_differing)} differ from those stored, which are kept)`;
  }
  text +=
    `; ${count(summary.derived)} closing, average and opening rates, ${count(summary.added)} ` +
    `added, ${count(summary.unchanged)} unchanged`;
  if (summary.kept_overrides) {
    text += `, ${count(summary.kept_overrides)} left to the rates entered by hand`;
  }
  return `${text}.`;
}

async function importFile(event) {
  event.preventDefault();
  const file = $("ecb-file").files[0];
  say($("ecb-result"), "");
  say($("ecb-error"), "");
  if (!file) {
    say($("ecb-error"), "The ECB's file: choose eurofxref-hist.csv or eurofxref-hist.zip");
    return;
  }
  const button = event.currentTarget.querySelector("button[type=submit]");
  button.disabled = true;
  say($("ecb-result"), `Importing ${file.name}…`);
  try {
    const response = await post("/api/fx/ecb", file, { "Content-Type": "application/octet-stream" });
    const body = await response.json().catch(() => ({}));
    say($("ecb-result"), "");
    if (response.ok) {
      say($("ecb-result"), `${file.name}: ${described(body)}`);
    } else {
      say($("ecb-error"), `${file.name}: ${body.detail ?? `HTTP ${response.status}`}`);
    }
  } catch (error) {
    say($("ecb-result"), "");
    say($("ecb-error"), error.message);
  } finally {
    button.disabled = false;
  }
}

function fillOverride(rate) {
  $("override-currency").value = rate.currency;
  $("override-type").value = rate.type;
  $("override-period").value = rate.period ?? "";
  $("override-rate").value = rate.rate;
  $("override-rate").focus();
  $("override-rate").select();
}

async function showRates(period) {
  const data = await attempt($("rates-error"), () => gql(RATES, { period: [period] }));
  if (!data) return;
  const rates = data.exchangeRates.filter((rate) => rate.type !== "HISTORICAL");
  const rows = rates.map((rate) => {
    const change = h(
      "button",
      {
        type: "button",
        class: "secondary",
        "aria-label": `Override the ${TYPE_WORDS[rate.type]} rate of ${rate.currency} for ${period}`,
      },
      "Override",
    );
    change.addEventListener("click", () => fillOverride(rate));
    const manual = rate.source === "manual";
    return h(
      "tr",
      { "data-currency": rate.currency, "data-type": rate.type },
      h("th", { scope: "row" }, rate.currency),
      h("td", {}, TYPE_WORDS[rate.type]),
      h("td", { class: "num" }, formatRate(rate.rate)),
      h("td", {}, manual ? `entered by ${rate.createdBy ?? "?"}, ${when(rate.createdAt)}` : rate.source),
      h("td", {}, rate.reason ?? ""),
      h("td", {}, change),
    );
  });
  clear($("rates-table").tBodies[0]).append(...rows);
  $("rates-caption").textContent = rates.length
    ? `${rates.length} rates for ${period}, units of each currency per 1 EUR.`
    : `No rates for ${period}: import the ECB's file or enter one.`;
  $("rates-table").hidden = false;
}

async function override(event) {
  event.preventDefault();
  const form = event.currentTarget;
  say($("override-result"), "");
  const input = {
    currency: form.currency.value.trim().toUpperCase(),
    type: form.type.value,
    period: form.period.value.trim(),
    rate: form.rate.value.trim().replace(",", "."),
    reason: form.reason.value.trim(),
  };
  const done = await attempt($("override-error"), () => gql(OVERRIDE, { input }));
  if (!done) return;
  const rate = done.overrideExchangeRate;
  say(
    $("override-result"),
    `The ${TYPE_WORDS[rate.type]} rate of ${rate.currency} for ${rate.period} is now ` +
      `${formatRate(rate.rate)} per EUR.`,
  );
  form.reason.value = "";
  $("rates-period").value = rate.period;
  await showRates(rate.period);
}

export function mountRates() {
  $("ecb-form").addEventListener("submit", importFile);
  $("rates-form").addEventListener("submit", (event) => {
    event.preventDefault();
    showRates($("rates-period").value.trim());
  });
  $("override-form").addEventListener("submit", override);
}
