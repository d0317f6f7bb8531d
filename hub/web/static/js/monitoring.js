// Break-even status per partner and the investment programmes' progress. What is not published
// is labelled illustrative, as the hub flags it.

import { h, clear } from "./dom.js";
import { formatAmount, toNumber } from "./format.js";

export const BREAK_EVEN_QUERY = `
query BreakEven($asOf: Int) {
  breakEven(asOf: $asOf) {
    alerts
    partners { entity status reason targetYear plan projectedYear results { year illustrative } }
  }
}`;

export const PROGRAMMES_QUERY = `
{
  investmentProgrammes {
    name currency budget allocated committed disbursed illustrative
    partners { partner allocated committed disbursed illustrative }
  }
}`;

function illustrativeBadge(text = "illustrative") {
  return h("span", { class: "badge illustrative", title: "not published: a stand-in" }, text);
}

function statusBadge(status) {
  return h("span", { class: `badge status-${status.replaceAll(" ", "-")}` }, status);
}

export function renderBreakEven(container, monitor, countries) {
  const anyIllustrative = monitor.partners.some((p) => p.results.some((r) => r.illustrative));
  const rows = monitor.partners.map((partner) => {
    const illustrative = partner.results.some((result) => result.illustrative);
    return h(
      "tr",
      { "data-entity": partner.entity },
      h("th", { scope: "row" }, countries.get(partner.entity) ?? partner.entity),
      h("td", { "data-col": "status" }, statusBadge(partner.status),
        illustrative ? illustrativeBadge() : null),
      h("td", { "data-col": "reason", class: "reason" }, partner.reason),
      h("td", { "data-col": "target" },
        partner.targetYear === null ? partner.plan ?? "" : String(partner.targetYear)),
      h("td", { "data-col": "projected", class: "num" },
        partner.projectedYear === null ? "not in sight" : String(partner.projectedYear)),
    );
  });
  clear(container).append(
    anyIllustrative
      ? h("p", { class: "note" }, illustrativeBadge(),
        " The partners' operating results behind these statuses are illustrative: they are not "
          + "published.")
      : null,
    monitor.alerts.length
      ? h("ul", { class: "alerts", "aria-label": "Alerts for the board" },
        monitor.alerts.map((alert) => h("li", {}, alert)))
      : h("p", {}, "No alerts."),
    h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Break-even table" },
      h("table", { id: "break-even-table" },
        h("caption", {}, "Path to break-even per partner"),
        h("thead", {}, h("tr", {},
          ["Partner", "Status", "Why", "Target or plan", "Projected year"].map((label) =>
            h("th", { scope: "col" }, label)))),
        h("tbody", {}, rows))),
  );
}

function share(part, whole) {
  const total = toNumber(whole);
  return total > 0 ? Math.min(100, (100 * toNumber(part)) / total) : 0;
}

function progress(programme) {
  const disbursed = share(programme.disbursed, programme.budget);
  const committed = share(programme.committed, programme.budget);
  const committedBar = h("div", { class: "progress-committed" });
  const disbursedBar = h("div", { class: "progress-disbursed" });
  // Sizes through the CSSOM (allowed by the page's Content-Security-Policy, unlike style="").
  committedBar.style.width = `${committed}%`;
  disbursedBar.style.width = `${disbursed}%`;
  const label = `Disbursed ${formatAmount(programme.disbursed)} of a budget of `
    + `${formatAmount(programme.budget)} ${programme.currency} (${Math.round(disbursed)} %); `
    + `committed ${formatAmount(programme.committed)}`;
  return h("div", { class: "progress", role: "img", "aria-label": label },
    committedBar, disbursedBar);
}

function figure(label, value, currency) {
  return h("div", {}, h("dt", {}, label), h("dd", { class: "num" },
    `${formatAmount(value)} ${currency}`));
}

function programmeCard(programme, countries) {
  const currency = programme.currency;
  const partners = programme.partners.map((p) => h(
    "tr",
    { "data-entity": p.partner },
    h("th", { scope: "row" }, countries.get(p.partner) ?? p.partner,
      p.illustrative ? illustrativeBadge() : null),
    h("td", { class: "num" }, formatAmount(p.allocated)),
    h("td", { class: "num" }, formatAmount(p.committed)),
    h("td", { class: "num" }, formatAmount(p.disbursed)),
  ));
  return h(
    "article",
    { class: "programme" },
    h("h3", {}, programme.name, " ",
      programme.illustrative ? illustrativeBadge("includes illustrative figures") : null),
    h("dl", { class: "figures" },
      figure("Budget", programme.budget, currency),
      figure("Committed", programme.committed, currency),
      figure("Disbursed", programme.disbursed, currency)),
    progress(programme),
    h("p", { class: "legend" },
      h("span", { class: "key key-disbursed", "aria-hidden": "true" }), "disbursed ",
      h("span", { class: "key key-committed", "aria-hidden": "true" }), "committed ",
      h("span", { class: "key key-budget", "aria-hidden": "true" }), "budget"),
    h("details", {},
      h("summary", {}, "Per partner"),
      h("div", { class: "scroll", tabindex: "0", role: "region",
        "aria-label": `${programme.name} per partner` },
      h("table", {},
        h("caption", {}, `${programme.name}: per partner (${currency})`),
        h("thead", {}, h("tr", {}, ["Partner", "Allocated", "Committed", "Disbursed"].map(
          (label) => h("th", { scope: "col" }, label)))),
        h("tbody", {}, partners)))),
  );
}

export function renderProgrammes(container, programmes, countries) {
  clear(container).append(
    ...(programmes.length
      ? programmes.map((programme) => programmeCard(programme, countries))
      : [h("p", {}, "No investment programme yet.")]),
  );
}
