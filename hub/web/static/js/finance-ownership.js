// The ownership register (`acquisitionRegister`): per subsidiary or associate, the share held
// today and its history (each acquisition version and each change of the share held, with its
// date, who recorded it, when and why), and a form to record a change of the share held
// (`recordOwnershipChange`, with a reason). Refusals are shown next to the form, in its words.

import { clear, h } from "./dom.js";
import { $, attempt, day, formatCents, say, when } from "./finance-common.js";
import { shiftDecimal } from "./format.js";
import { gql } from "./session.js";

const REGISTER = `fragment Register on AcquisitionRegister {
  acquisitions { id subsidiary parent acquiredOn method share consideration
                 considerationCurrency illustrative inForce reason recordedBy recordedAt }
  ownershipChanges { id subsidiary effectiveOn share consideration considerationCurrency
                     reason recordedBy recordedAt withdrawn }
}`;

const SETUP = `{
  network { groupCurrency }
  entities { code name currency }
  acquisitionRegister { ...Register }
}
${REGISTER}`;

const RECORD = `mutation($input: OwnershipChangeInput!) {
  recordOwnershipChange(input: $input) { ...Register }
}
${REGISTER}`;

// The hub's names of the mutation's inputs, as the form labels them.
const LABELS = {
  subsidiary: "Entity",
  effectiveOn: "From",
  share: "Share held (%)",
  consideration: "Consideration",
  considerationCurrency: "Currency",
  reason: "Reason",
};

const METHOD_WORDS = { full: "full consolidation", equity: "equity method" };

const state = { groupCurrency: null, entities: new Map(), register: null };

function percent(share) {
  return `${shiftDecimal(share, 2)} %`;
}

// Every entry of one entity, by date (then by when it was recorded).
function entriesOf(code) {
  const register = state.register;
  const acquisitions = register.acquisitions
    .filter((row) => row.subsidiary === code)
    .map((row) => ({ kind: "acquisition", on: row.acquiredOn, row }));
  const changes = register.ownershipChanges
    .filter((row) => row.subsidiary === code)
    .map((row) => ({ kind: "change", on: row.effectiveOn, row }));
  return [...acquisitions, ...changes].sort(
    (a, b) => a.on.localeCompare(b.on) || a.row.recordedAt.localeCompare(b.row.recordedAt),
  );
}

// The share held on `today` (YYYY-MM-DD): the latest change in effect, else the acquisition.
export function shareOn(entries, today) {
  let held = null;
  for (const entry of entries) {
    if (entry.on > today) break;
    if (entry.kind === "acquisition" && entry.row.inForce) held = entry;
    if (entry.kind === "change" && !entry.row.withdrawn) held = entry;
  }
  return held;
}

function what(entry) {
  const row = entry.row;
  if (entry.kind === "acquisition") {
    const parts = [`acquisition by ${row.parent}, ${METHOD_WORDS[row.method] ?? row.method}`];
    if (!row.inForce) parts.push("corrected since: not in force");
    if (row.illustrative) parts.push("illustrative");
    return parts.join("; ");
  }
  return row.withdrawn ? `change of the share held; withdrawn: ${row.withdrawn}` : "change of the share held";
}

function historyTable(code, entries) {
  const rows = entries.map((entry) => {
    const row = entry.row;
    const gone = (entry.kind === "acquisition" && !row.inForce) || row.withdrawn;
    return h(
      "tr",
      { "data-kind": entry.kind, "data-id": String(row.id), class: gone ? "muted" : null },
      h("th", { scope: "row" }, day(entry.on)),
      h("td", { class: "num" }, percent(row.share)),
      h("td", { class: "num" }, `${formatCents(row.consideration)} ${row.considerationCurrency}`),
      h("td", {}, what(entry)),
      h("td", {}, row.recordedBy),
      h("td", {}, when(row.recordedAt)),
      h("td", {}, row.reason),
    );
  });
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { id: `ownership-history-${code}`, class: "ownership-history" },
      h("caption", { class: "muted" }, `History of the share held in ${code}, oldest first`),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["From", "Share held", "Consideration", "Entry", "Recorded by", "Recorded", "Why"].map(
            (title, index) => h("th", { scope: "col", class: [1, 2].includes(index) ? "num" : null }, title),
          ),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}

function codes() {
  return [...new Set(state.register.acquisitions.map((row) => row.subsidiary))].sort();
}

function render() {
  const today = new Date().toISOString().slice(0, 10);
  const blocks = codes().map((code) => {
    const entries = entriesOf(code);
    const held = shareOn(entries, today);
    const name = state.entities.get(code)?.name ?? code;
    const parent = entries.find((e) => e.kind === "acquisition" && e.row.inForce)?.row.parent;
    const summary = held
      ? `${percent(held.row.share)} held${parent ? ` by ${parent}` : ""} today, since ${day(held.on)}.`
      : `Not held yet today: the first entry takes effect on ${day(entries[0].on)}.`;
    return h(
      "div",
      { class: "owned", "data-entity": code },
      h("h3", {}, `${code}: ${name}`),
      h("p", { id: `ownership-share-${code}` }, summary),
      historyTable(code, entries),
    );
  });
  clear($("ownership-list")).append(
    ...(blocks.length ? blocks : [h("p", { class: "muted" }, "The register has no acquisition yet.")]),
  );
  const select = $("ownership-entity");
  const chosen = select.value;
  select.replaceChildren(
    ...codes().map((code) =>
      h("option", { value: code, selected: code === chosen }, `${code}: ${state.entities.get(code)?.name ?? code}`),
    ),
  );
  fillCurrencies();
  $("ownership-form").hidden = blocks.length === 0;
}

function fillCurrencies() {
  const entity = state.entities.get($("ownership-entity").value);
  const currencies = [...new Set([state.groupCurrency, entity?.currency].filter(Boolean))];
  const chosen = $("ownership-currency").value;
  $("ownership-currency").replaceChildren(
    ...currencies.map((code) => h("option", { value: code, selected: code === chosen }, code)),
  );
}

// The form's values as the mutation takes them, or the problems in the form's words.
export function readForm(form) {
  const problems = [];
  const from = form.effectiveOn.value.trim();
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && !Number.isNaN(Date.parse(`${from}T00:00:00Z`));
  if (!valid || new Date(`${from}T00:00:00Z`).toISOString().slice(0, 10) !== from) {
    problems.push(`${LABELS.effectiveOn}: write the first day of the new share as YYYY-MM-DD, e.g. 2025-07-01`);
  }
  const shareText = form.share.value.trim().replace(/\s*%$/, "");
  let share = null;
  if (/^\d+(\.\d+)?$/.test(shareText)) share = shiftDecimal(shareText, -2);
  if (share === null || Number(shareText) <= 0 || Number(shareText) > 100) {
    problems.push(`${LABELS.share}: a percentage above 0 and at most 100, e.g. 80`);
  }
  const consideration = form.consideration.value.trim().replace(/[\s,]/g, "").replace("\u2212", "-");
  if (!/^-?\d+(\.\d+)?$/.test(consideration)) {
    problems.push(`${LABELS.consideration}: an amount, e.g. 25000 (paid) or -25000 (received)`);
  }
  const reason = form.reason.value.trim();
  if (!reason) problems.push(`${LABELS.reason}: say why (it is kept with the entry)`);
  if (problems.length) return { problems };
  return {
    input: {
      subsidiary: form.entity.value,
      effectiveOn: from,
      share,
      consideration,
      considerationCurrency: form.currency.value,
      reason,
    },
  };
}

async function record(event) {
  event.preventDefault();
  const form = event.currentTarget;
  say($("ownership-notice"), "");
  const { input, problems } = readForm(form);
  if (problems) {
    say($("ownership-error"), problems.join("; "));
    return;
  }
  const done = await attempt($("ownership-error"), () => gql(RECORD, { input }), LABELS);
  if (!done) return;
  state.register = done.recordOwnershipChange;
  render();
  for (const name of ["effectiveOn", "share", "consideration", "reason"]) form[name].value = "";
  say(
    $("ownership-notice"),
    `${input.subsidiary}: ${percent(input.share)} held from ${day(input.effectiveOn)}, recorded.`,
  );
}

export async function mountOwnership() {
  const setup = await gql(SETUP);
  state.groupCurrency = setup.network.groupCurrency;
  state.entities = new Map(setup.entities.map((e) => [e.code, e]));
  state.register = setup.acquisitionRegister;
  render();
  $("ownership-entity").addEventListener("change", fillCurrencies);
  $("ownership-form").addEventListener("submit", record);
}
