// Who has reported what: entity × dataset × period from `reportingStatus`, including reports not
// started and overdue; a report chosen shows its versions, findings and steps, and takes
// finance's actions (approve, return with a reason, lock, reopen with a reason).

import { clear, h } from "./dom.js";
import { $, DATASET_WORDS, attempt, day, say, when } from "./finance-common.js";
import { gql } from "./session.js";

const STATUS = `query($periods: [String!]) {
  reportingStatus(periods: $periods) {
    entity period dataset state status deadline latestVersion
    lastChange { action actor at }
  }
  waiting: reports(status: [SUBMITTED]) { entity period dataset latestVersion }
}`;

const REPORT = `query($entity: [String!], $period: [String!], $dataset: [Dataset!]) {
  reports(entity: $entity, period: $period, dataset: $dataset) {
    status latestVersion approvedVersion
    events { action toStatus version actor at reason }
    versions { version author submittedAt source comment
               findings { severity message } }
  }
}`;

const TRANSITION = `mutation($input: TransitionInput!) {
  transitionReport(input: $input) { status latestVersion }
}`;

export const STATE_WORDS = {
  NOT_STARTED: "not started",
  DRAFT: "draft",
  OVERDUE: "overdue",
  SUBMITTED: "submitted",
  APPROVED: "approved",
  LOCKED: "locked",
};

// Which of finance's actions a workflow status allows.
const ACTIONS = {
  SUBMITTED: ["APPROVE", "RETURN"],
  APPROVED: ["LOCK", "REOPEN"],
  LOCKED: ["REOPEN"],
};

const DONE = {
  APPROVE: "approved",
  RETURN: "returned to the team",
  LOCK: "locked",
  REOPEN: "reopened",
};

const state = { rows: [], waiting: [], periods: null, selected: null };

function describe(report) {
  return `${report.entity} ${DATASET_WORDS[report.dataset]} ${report.period}`;
}

function columnsOf(rows) {
  const seen = new Map();
  for (const row of rows) {
    const key = `${row.period}|${row.dataset}`;
    if (!seen.has(key)) seen.set(key, { period: row.period, dataset: row.dataset, key });
  }
  return [...seen.values()];
}

function cell(row) {
  const label = STATE_WORDS[row.state];
  const due = row.deadline ? `due ${day(row.deadline)}` : "no deadline";
  const button = h(
    "button",
    {
      type: "button",
      class: `state state-${row.state.toLowerCase()}`,
      "data-entity": row.entity,
      "data-period": row.period,
      "data-dataset": row.dataset,
      "data-state": row.state,
      "aria-label": `${describe(row)}: ${label}, ${due}`,
    },
    h("span", { class: "state-word" }, label),
    h("span", { class: "due" }, due),
  );
  button.addEventListener("click", () => select(row));
  return h("td", {}, button);
}

function renderGrid() {
  const columns = columnsOf(state.rows);
  const entities = [...new Set(state.rows.map((row) => row.entity))];
  const byKey = new Map(state.rows.map((row) => [`${row.entity}|${row.period}|${row.dataset}`, row]));
  const grid = $("status-grid");
  clear(grid.tHead).append(
    h(
      "tr",
      {},
      h("th", { scope: "col" }, "Entity"),
      ...columns.map((column) =>
        h(
          "th",
          { scope: "col" },
          column.period,
          h("br", {}),
          h("span", { class: "muted" }, DATASET_WORDS[column.dataset]),
        ),
      ),
    ),
  );
  clear(grid.tBodies[0]).append(
    ...entities.map((entity) =>
      h(
        "tr",
        { "data-entity": entity },
        h("th", { scope: "row" }, entity),
        ...columns.map((column) => {
          const row = byKey.get(`${entity}|${column.key}`);
          return row ? cell(row) : h("td", {}, "");
        }),
      ),
    ),
  );
  const late = state.rows.filter((row) => row.state === "OVERDUE").length;
  const waiting = state.rows.filter((row) => row.state === "SUBMITTED").length;
  $("status-caption").textContent =
    `${waiting} submitted and waiting for approval; ${late} overdue.`;
}

function renderWaiting() {
  const items = state.waiting.map((report) => {
    const button = h(
      "button",
      {
        type: "button",
        class: "secondary",
        "data-entity": report.entity,
        "data-period": report.period,
        "data-dataset": report.dataset,
      },
      `${describe(report)}, version ${report.latestVersion}`,
    );
    button.addEventListener("click", () => {
      const known = state.rows.find(
        (r) =>
          r.entity === report.entity && r.period === report.period && r.dataset === report.dataset,
      );
      select(known ?? { ...report, state: "SUBMITTED", deadline: null });
    });
    return h("li", {}, button);
  });
  clear($("waiting")).append(...(items.length ? items : [h("li", {}, "Nothing is waiting.")]));
}

export async function loadStatus() {
  const data = await gql(STATUS, { periods: state.periods });
  state.rows = data.reportingStatus;
  state.waiting = data.waiting;
  renderGrid();
  renderWaiting();
}

function renderVersions(report) {
  const rows = [...report.versions].reverse().map((version) => {
    const findings = version.findings.length
      ? h(
          "details",
          {},
          h("summary", {}, `${version.findings.length} finding(s)`),
          h(
            "ul",
            {},
            ...version.findings.map((f) => h("li", {}, `${f.severity.toLowerCase()}: ${f.message}`)),
          ),
        )
      : "none";
    return h(
      "tr",
      { "data-version": String(version.version) },
      h("td", {}, String(version.version)),
      h("td", {}, version.author),
      h("td", {}, when(version.submittedAt)),
      h("td", {}, version.source),
      h("td", {}, version.comment ?? ""),
      h("td", {}, findings),
    );
  });
  clear($("report-versions").tBodies[0]).append(...rows);
  clear($("report-events")).append(
    ...report.events.map((event) =>
      h(
        "li",
        {},
        `${when(event.at)}: ${event.actor} ${event.action.toLowerCase()} version ${event.version}` +
          ` (now ${event.toStatus.toLowerCase()})` +
          (event.reason ? `: ${event.reason}` : ""),
      ),
    ),
  );
}

async function select(row, { focus = true } = {}) {
  state.selected = row;
  say($("report-error"), "");
  $("report").hidden = false;
  $("report-title").textContent = describe(row);
  const due = row.deadline ? `, due ${day(row.deadline)}` : "";
  $("report-summary").textContent = `${STATE_WORDS[row.state]}${due}`;
  const found = await attempt($("report-error"), () =>
    gql(REPORT, { entity: [row.entity], period: [row.period], dataset: [row.dataset] }),
  );
  const report = found?.reports?.[0];
  const allowed = report ? ACTIONS[report.status] ?? [] : [];
  for (const button of $("report-actions").querySelectorAll("button")) {
    button.hidden = !allowed.includes(button.value);
  }
  $("report-form").hidden = allowed.length === 0;
  if (report) {
    renderVersions(report);
  } else {
    clear($("report-versions").tBodies[0]);
    clear($("report-events")).append(h("li", {}, "Nothing reported yet."));
  }
  if (focus) $("report-title").focus();
}

export async function mountStatus() {
  $("status-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("status-periods").value.trim();
    const previous = state.periods;
    state.periods = text ? text.split(/[\s,;]+/).filter(Boolean) : null;
    const loaded = await attempt($("status-error"), loadStatus);
    if (loaded === null) state.periods = previous;
  });
  $("report-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const action = event.submitter?.value;
    const row = state.selected;
    if (!action || !row) return;
    const reason = $("report-reason").value.trim();
    say($("report-notice"), "");
    const done = await attempt($("report-error"), () =>
      gql(TRANSITION, {
        input: {
          entity: row.entity,
          period: row.period,
          dataset: row.dataset,
          action,
          reason: reason || null,
        },
      }),
    );
    if (!done) return;
    $("report-reason").value = "";
    document.dispatchEvent(new CustomEvent("hub:report-moved"));
    await loadStatus();
    const updated = state.rows.find(
      (r) => r.entity === row.entity && r.period === row.period && r.dataset === row.dataset,
    );
    await select(updated ?? { ...row, state: done.transitionReport.status }, { focus: false });
    say($("report-notice"), `${describe(row)} is ${DONE[action]}.`);
  });
  await loadStatus();
}
