// The consolidation of a year: run it, its statements beside the prior year, every group figure
// drilled down to the entities, their national accounts and the versions they come from; the
// checks, the journals, and the sign-off (lock) or reopening with a reason.

import { clear, h } from "./dom.js";
import { $, attempt, formatCents, say, when } from "./finance-common.js";
import { formatChangePercent, formatRate } from "./format.js";
import { gql } from "./session.js";

const VIEW = `query($period: String!) {
  consolidation(period: $period) {
    period scope columns priorPeriod priorAvailable priorProblems warnings locked digest
    checks { name ok difference }
    signOff { lockedBy lockedAt reason runId }
    lines { line label statement depth isTotal total prior change changePercent
            values { column amount } }
    journals { id reason author createdAt reverses reversedBy lines { line entity amount } }
  }
}`;

const RUN = `mutation($period: String!) { runConsolidation(period: $period) { id runAt } }`;

const LOCK = `mutation($period: String!, $locked: Boolean!, $reason: String) {
  lockConsolidation(period: $period, locked: $locked, reason: $reason) { locked actor at runId }
}`;

const DRILL = `query($period: String!, $line: String!) {
  consolidationDrillDown(period: $period, line: $line) {
    entity account label partner localAmount currency rate groupAmount version
  }
}`;

const STATEMENT_WORDS = { BALANCE_SHEET: "Balance sheet", INCOME_STATEMENT: "Income statement" };

const state = { period: null, view: null };

function figureButton(line) {
  const button = h(
    "button",
    {
      type: "button",
      class: "figure",
      "data-line": line.line,
      "aria-label": `${line.label}: ${formatCents(line.total)} EUR, show where it comes from`,
    },
    formatCents(line.total),
  );
  button.addEventListener("click", () => drill(line));
  return button;
}

function renderLines(view) {
  const rows = [];
  let statement = null;
  for (const line of view.lines) {
    if (line.statement !== statement) {
      statement = line.statement;
      rows.push(
        h("tr", { class: "heading" }, h("th", { scope: "rowgroup", colspan: "4" }, STATEMENT_WORDS[statement])),
      );
    }
    rows.push(
      h(
        "tr",
        { "data-line": line.line, class: line.isTotal ? "total" : null },
        h("th", { scope: "row", class: `depth-${Math.min(line.depth, 4)}` }, line.label),
        h("td", { class: "num" }, figureButton(line)),
        h("td", { class: "num" }, formatCents(line.prior)),
        h("td", { class: "num" }, formatChangePercent(line.changePercent)),
      ),
    );
  }
  clear($("consolidation-lines").tBodies[0]).append(...rows);
  $("consolidation-year").textContent = view.period;
  $("consolidation-prior").textContent = view.priorAvailable ? view.priorPeriod : `${view.priorPeriod} (none)`;
  $("consolidation-caption").textContent =
    `In EUR, ${view.scope.join(", ")}. Choose a figure to see the accounts behind it.`;
}

function renderState(view) {
  const signed = view.signOff;
  $("consolidation-state").textContent = view.locked
    ? `Signed off by ${signed.lockedBy} on ${when(signed.lockedAt)} (run ${signed.runId}): nothing it used may change.`
    : "Open: not signed off.";
  $("lock-button").textContent = view.locked ? "Reopen" : "Lock (sign off)";
  $("lock-reason").labels[0].textContent = view.locked ? "Reason (needed to reopen)" : "Reason (optional)";
  clear($("consolidation-checks")).append(
    ...view.checks.map((check) =>
      h(
        "li",
        { class: check.ok ? "ok" : "failed" },
        `${check.ok ? "✓" : "✗"} ${check.name}` + (check.ok ? "" : `: off by ${formatCents(check.difference)}`),
      ),
    ),
    ...view.warnings.map((warning) => h("li", { class: "failed" }, warning)),
    ...view.priorProblems.map((problem) => h("li", { class: "muted" }, `Prior year: ${problem}`)),
  );
}

function renderJournals(view) {
  const rows = view.journals.map((journal) =>
    h(
      "tr",
      { "data-journal": String(journal.id) },
      h("td", {}, String(journal.id)),
      h(
        "td",
        {},
        journal.reason,
        journal.reverses ? ` (reverses ${journal.reverses})` : "",
        journal.reversedBy ? ` (reversed by ${journal.reversedBy})` : "",
      ),
      h("td", {}, `${journal.author}, ${when(journal.createdAt)}`),
      h(
        "td",
        {},
        h(
          "ul",
          { class: "plain" },
          ...journal.lines.map((line) =>
            h("li", {}, `${line.line}${line.entity ? ` (${line.entity})` : ""}: ${formatCents(line.amount)}`),
          ),
        ),
      ),
    ),
  );
  clear($("journals").tBodies[0]).append(...rows);
  $("journals").hidden = rows.length === 0;
  $("journals-none").hidden = rows.length > 0;
}

async function show(period) {
  const data = await attempt($("consolidation-error"), () => gql(VIEW, { period }));
  if (!data) {
    $("consolidation-body").hidden = true;
    return false;
  }
  state.period = period;
  state.view = data.consolidation;
  renderState(state.view);
  renderLines(state.view);
  renderJournals(state.view);
  $("drill").hidden = true;
  $("consolidation-body").hidden = false;
  return true;
}

async function drill(line) {
  const data = await attempt($("consolidation-error"), () =>
    gql(DRILL, { period: state.period, line: line.line }),
  );
  if (!data) return;
  const rows = data.consolidationDrillDown.map((row) =>
    h(
      "tr",
      { "data-entity": row.entity, "data-account": row.account },
      h("td", {}, row.entity),
      h("td", {}, row.account),
      h("td", {}, row.label ?? ""),
      h("td", {}, row.partner ?? ""),
      h("td", { class: "num" }, `${formatCents(row.localAmount)} ${row.currency}`),
      h("td", { class: "num" }, formatRate(row.rate)),
      h("td", { class: "num" }, formatCents(row.groupAmount)),
      h("td", {}, String(row.version)),
    ),
  );
  const columns = line.values.map((value) => `${value.column} ${formatCents(value.amount)}`);
  clear($("drill-table").tBodies[0]).append(
    ...rows,
    h(
      "tr",
      { class: "total" },
      h("td", { colspan: "8" }, `By column: ${columns.join(" · ")}; total ${formatCents(line.total)} EUR.`),
    ),
  );
  $("drill-title").textContent = `Where ${line.label} (${formatCents(line.total)} EUR) comes from`;
  $("drill").hidden = false;
  $("drill-title").focus();
}

export function mountConsolidation() {
  $("consolidation-period").value = String(new Date().getFullYear() - 1);
  $("consolidation-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const period = $("consolidation-period").value.trim();
    say($("consolidation-notice"), "");
    if (event.submitter?.value === "run") {
      const run = await attempt($("consolidation-error"), () => gql(RUN, { period }));
      if (!run) return;
      if (await show(period)) {
        say($("consolidation-notice"), `Run ${run.runConsolidation.id} of ${period} is stored.`);
      }
      return;
    }
    await show(period);
  });
  $("lock-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const locked = !state.view.locked;
    const reason = $("lock-reason").value.trim() || null;
    const done = await attempt($("consolidation-error"), () =>
      gql(LOCK, { period: state.period, locked, reason }),
    );
    if (!done) return;
    $("lock-reason").value = "";
    await show(state.period);
    say(
      $("consolidation-notice"),
      locked ? `${state.period} is signed off.` : `${state.period} is open again.`,
    );
  });
}
