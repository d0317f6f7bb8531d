// The table of what is due: one row per period, the KPI report and the financial statements
// each with its status, deadline, latest version and who last moved it.

import { clear, h } from "./dom.js";

export const STATE_WORDS = {
  NOT_STARTED: "not started",
  DRAFT: "draft",
  OVERDUE: "overdue",
  SUBMITTED: "submitted",
  APPROVED: "approved",
  LOCKED: "locked",
};
export const ACTION_WORDS = {
  save: "saved",
  submit: "submitted",
  withdraw: "withdrawn",
  approve: "approved",
  return: "returned",
  lock: "locked",
  reopen: "reopened",
};

export function day(text) {
  if (!text) return "";
  const [year, month, date] = text.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, date)).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function moment(text) {
  return new Date(text).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function badge(state) {
  return h("span", { class: `state state-${state.toLowerCase().replace("_", "-")}` }, STATE_WORDS[state]);
}

function reportCell(row, label) {
  if (!row) return h("td", { "data-label": label }, h("span", { class: "muted" }, "not asked for"));
  const lines = [badge(row.state)];
  if (row.deadline) lines.push(h("span", { class: "cell-note" }, `due ${day(row.deadline)}`));
  if (row.lastChange) {
    const change = row.lastChange;
    lines.push(
      h(
        "span",
        { class: "cell-note" },
        `version ${row.latestVersion} ${ACTION_WORDS[change.action] ?? change.action} by ${change.actor}, ${day(change.at)}`,
      ),
    );
  }
  return h("td", { "data-label": label }, ...lines);
}

export function renderDue(table, rows, chosen, choose) {
  const periods = new Map();
  for (const row of rows) {
    if (!periods.has(row.period)) periods.set(row.period, {});
    periods.get(row.period)[row.dataset] = row;
  }
  const body = clear(table.tBodies[0]);
  for (const [period, datasets] of periods) {
    const button = h("button", { type: "button", class: "secondary" }, `Work on ${period}`);
    button.addEventListener("click", () => choose(period));
    body.append(
      h(
        "tr",
        { "data-period": period, class: period === chosen ? "chosen" : null },
        h("th", { scope: "row" }, period),
        reportCell(datasets.KPI, "KPI report"),
        reportCell(datasets.STATEMENTS, "Financial statements"),
        h("td", {}, button),
      ),
    );
  }
  if (!periods.size) {
    body.append(h("tr", {}, h("td", { colspan: 4 }, "Nothing is due.")));
  }
}
