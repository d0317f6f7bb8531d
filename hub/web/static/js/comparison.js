// The network table of one year from the hub's `comparison`, as the annual report publishes it:
// entity, legal form, founded, offices, staff, users, contribution rate, turnover in EUR, change,
// rank, and the network total. Where the whole table does not fit its box, turnover, change and
// rank come right after the entity (BOARD_FIRST_COLUMNS).

import { h, clear } from "./dom.js";
import {
  MISSING,
  formatAmount,
  formatChangePercent,
  formatPercent,
  formatQuantity,
  formatRate,
  toNumber,
} from "./format.js";

export const COMPARISON_QUERY = `
query Comparison($periods: [String!]!, $kpis: [String!]) {
  comparison(periods: $periods, kpis: $kpis) {
    periods currency
    entities { code name country legalForm legalFormLocal founded offices currency }
    series { entity kpi currency values valuesEur rates changes changePercents ranks provenances }
    totals { kpi valuesEur changes changePercents }
  }
}`;

export const KPIS = ["turnover", "users", "staff_fte", "offices", "contribution_rate"];

// Figures that are not as published or reported carry a mark, explained in the legend.
export const MARKS = {
  derived: { symbol: "\u2020", text: "derived" },
  illustrative: { symbol: "\u2021", text: "illustrative" },
};

export function mark(provenance) {
  const known = MARKS[provenance];
  if (known === undefined) {
    return null;
  }
  return h(
    "sup",
    { class: `mark ${provenance}`, title: known.text },
    h("span", { "aria-hidden": "true" }, known.symbol),
    h("span", { class: "visually-hidden" }, ` (${known.text})`),
  );
}

// The strongest mark among several figures: a total of derived figures is derived.
function worst(provenances) {
  if (provenances.includes("illustrative")) {
    return "illustrative";
  }
  return provenances.includes("derived") ? "derived" : null;
}

// One year of a comparison: look-ups by entity and KPI.
export class YearView {
  constructor(comparison, year) {
    this.comparison = comparison;
    this.year = year;
    this.index = comparison.periods.indexOf(year);
    this.previous = String(Number(year) - 1);
    this.series = new Map(comparison.series.map((s) => [`${s.entity}/${s.kpi}`, s]));
    this.totals = new Map(comparison.totals.map((t) => [t.kpi, t]));
  }

  get entities() {
    return this.comparison.entities;
  }

  field(entity, kpi, name) {
    return this.series.get(`${entity}/${kpi}`)?.[name]?.[this.index] ?? null;
  }

  total(kpi, name) {
    return this.totals.get(kpi)?.[name]?.[this.index] ?? null;
  }

  // The entities with a figure of `kpi` in the period at `index` (the selected one by default).
  reporting(kpi, index = this.index) {
    return this.entities
      .map((entity) => entity.code)
      .filter((code) => this.series.get(`${code}/${kpi}`)?.valuesEur[index] != null);
  }

  totalProvenance(kpi) {
    return worst(this.entities.map((entity) => this.field(entity.code, kpi, "provenances")));
  }
}

function cell(column, value, ...extra) {
  const numeric = column !== "entity" && column !== "legal-form";
  return h(
    "td",
    { "data-col": column, class: numeric ? "num" : null },
    h("span", { class: value === MISSING ? "value missing" : "value" }, value),
    ...extra,
  );
}

function kpiCell(view, entity, kpi, format) {
  return cell(
    kpi,
    format(view.field(entity, kpi, "values")),
    mark(view.field(entity, kpi, "provenances")),
  );
}

function turnoverCell(view, entity) {
  const inEur = view.field(entity.code, "turnover", "valuesEur");
  const own = view.field(entity.code, "turnover", "values");
  const rate = view.field(entity.code, "turnover", "rates");
  const converted = own !== null && entity.currency !== view.comparison.currency;
  return cell(
    "turnover",
    formatAmount(inEur),
    mark(view.field(entity.code, "turnover", "provenances")),
    converted
      ? h("small", { class: "sub" }, `${entity.currency} ${formatAmount(own)} at ${formatRate(rate)}`)
      : null,
  );
}

function changeCell(change, changePercent) {
  return cell(
    "change",
    formatChangePercent(changePercent),
    change === null ? null : h("small", { class: "sub" }, formatAmount(change, { plus: true })),
  );
}

// The small flag of an entity whose node's data is stale: "stale", and when its figures are
// from and when its node was last seen; its reasons as the flag's title.
function staleFlag(flag) {
  if (!flag) return null;
  return [
    h("span", { class: "badge stale", title: flag.reasons.join("; ") }, "stale"),
    h("small", { class: "sub stale-note" }, flag.text),
  ];
}

// An entity's cells by column.
function entityCells(view, entity, drafts, stale) {
  const code = entity.code;
  const offices = view.field(code, "offices", "values");
  const rank = view.field(code, "turnover", "ranks");
  return {
    entity: h(
      "th",
      { scope: "row", "data-col": "entity" },
      h("span", { class: "country" }, entity.country),
      " ",
      h("span", { class: "code" }, code),
      drafts.has(code) ? h("span", { class: "badge draft" }, "draft") : null,
      h("small", { class: "sub" }, entity.name),
      staleFlag(stale.get(code)),
    ),
    "legal-form": cell(
      "legal-form",
      entity.legalFormLocal,
      h("small", { class: "sub", lang: "en" }, entity.legalForm),
    ),
    founded: cell("founded", String(entity.founded)),
    offices: cell(
      "offices",
      formatQuantity(offices),
      mark(view.field(code, "offices", "provenances")),
      h("small", { class: "sub offices" }, entity.offices.join(", ")),
    ),
    staff_fte: kpiCell(view, code, "staff_fte", formatQuantity),
    users: kpiCell(view, code, "users", formatQuantity),
    contribution_rate: kpiCell(view, code, "contribution_rate", formatPercent),
    turnover: turnoverCell(view, entity),
    change: changeCell(
      view.field(code, "turnover", "changes"),
      view.field(code, "turnover", "changePercents"),
    ),
    rank: cell("rank", rank === null ? MISSING : String(rank)),
  };
}

// A change of the total is only shown between totals of the same entities.
function totalChangeCell(view) {
  const now = view.reporting("turnover");
  const before = view.index > 0 ? view.reporting("turnover", view.index - 1) : now;
  if (before.length > 0 && now.join() !== before.join()) {
    return cell("change", MISSING,
      h("small", { class: "sub" }, `not comparable: other entities reported in ${view.previous}`));
  }
  return changeCell(view.total("turnover", "changes"), view.total("turnover", "changePercents"));
}

function totalCells(view) {
  const total = (kpi, format) => cell(kpi, format(view.total(kpi, "valuesEur")),
    mark(view.totalProvenance(kpi)));
  const counted = view.reporting("turnover").length;
  return {
    entity: h("th", { scope: "row", "data-col": "entity" }, "Network total",
      counted < view.entities.length
        ? h("small", { class: "sub" }, `${counted} of ${view.entities.length} entities`)
        : null),
    "legal-form": cell("legal-form", ""),
    founded: cell("founded", ""),
    offices: total("offices", formatQuantity),
    staff_fte: total("staff_fte", formatQuantity),
    users: total("users", formatQuantity),
    contribution_rate: cell("contribution_rate", ""),
    turnover: total("turnover", formatAmount),
    change: totalChangeCell(view),
    rank: cell("rank", ""),
  };
}

const HEADINGS = {
  entity: "Entity",
  "legal-form": "Legal form",
  founded: "Founded",
  offices: "Offices",
  staff_fte: "Staff (FTE)",
  users: "Users",
  contribution_rate: "Contri\u00adbution rate",
  turnover: "Turnover (EUR)",
  change: "Change",
  rank: "Rank",
};

// The annual report's order, kept where the whole table fits its box.
export const REPORT_COLUMNS = ["entity", "legal-form", "founded", "offices", "staff_fte", "users",
  "contribution_rate", "turnover", "change", "rank"];

// Where it does not (a phone, a narrow window): the figures the board looks for first come
// right after the entity, so that they are in view; the others follow, in the table's own
// sideways-scrolling box.
export const BOARD_FIRST_COLUMNS = ["entity", "turnover", "change", "rank", "legal-form",
  "founded", "offices", "staff_fte", "users", "contribution_rate"];

// `stale`: entity code -> {text, reasons} for entities whose node's data is stale; `columns`:
// REPORT_COLUMNS or BOARD_FIRST_COLUMNS.
export function renderNetworkTable(table, view, drafts, stale = new Map(),
  columns = REPORT_COLUMNS) {
  const headings = columns.map((column) => {
    const text = column === "change" ? `Change vs ${view.previous}` : HEADINGS[column];
    return h("th", { scope: "col", "data-col": column }, text);
  });
  const row = (key, cells) => h("tr", { "data-entity": key }, columns.map((c) => cells[c]));
  clear(table).append(
    h("caption", { class: "visually-hidden" }, `The network in ${view.year}, turnover in EUR`),
    h("thead", {}, h("tr", {}, headings)),
    h("tbody", {}, view.entities.map((entity) =>
      row(entity.code, entityCells(view, entity, drafts, stale)))),
    h("tfoot", {}, row("total", totalCells(view))),
  );
  table.dataset.columns = columns === BOARD_FIRST_COLUMNS ? "board-first" : "report";
}

// The turnover of each entity for the bar chart and its table.
export function turnoverItems(view) {
  return view.entities.map((entity) => {
    const value = view.field(entity.code, "turnover", "valuesEur");
    return {
      key: entity.code,
      label: entity.country,
      value: toNumber(value),
      text: formatAmount(value),
      provenance: view.field(entity.code, "turnover", "provenances"),
    };
  });
}

// Turnover over the periods, from the first with a figure: for the trend chart and its table.
export function turnoverTrend(comparison) {
  const rows = comparison.entities.map((entity) => ({
    entity,
    series: comparison.series.find((s) => s.entity === entity.code && s.kpi === "turnover"),
  }));
  const filled = comparison.periods.map((_, i) => rows.some((row) => row.series?.valuesEur[i]));
  const first = Math.max(filled.indexOf(true), 0);
  const periods = comparison.periods.slice(first);
  return {
    periods,
    series: rows.map(({ entity, series }) => {
      const values = (series?.valuesEur ?? comparison.periods.map(() => null)).slice(first);
      return {
        key: entity.code,
        label: entity.country,
        values: values.map(toNumber),
        texts: values.map((value) => formatAmount(value)),
        provenances: (series?.provenances ?? []).slice(first),
      };
    }),
  };
}

export function renderBarTable(table, year, items) {
  clear(table).append(
    h("caption", {}, `Turnover ${year} by country (EUR)`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Country"),
      h("th", { scope: "col" }, "Turnover (EUR)"))),
    h("tbody", {}, items.map((item) => h("tr", { "data-entity": item.key },
      h("th", { scope: "row" }, item.label),
      h("td", { class: "num" }, item.text, mark(item.provenance))))),
  );
}

export function renderTrendTable(table, trend) {
  clear(table).append(
    h("caption", {}, `Turnover per country, ${trend.periods.join(", ")} (EUR)`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Country"),
      trend.periods.map((period) => h("th", { scope: "col" }, period)))),
    h("tbody", {}, trend.series.map((line) => h("tr", { "data-entity": line.key },
      h("th", { scope: "row" }, line.label),
      line.texts.map((text, i) => h("td", { class: "num" }, text, mark(line.provenances[i])))))),
  );
}
