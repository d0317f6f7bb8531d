// The period's two reports (the KPI report, the financial statements): status and deadline, the
// versions with who saved them and when, the latest version's warnings with a comment box each,
// submitting and withdrawing, and what changed between two versions.

import { clear, h } from "./dom.js";
import { formatQuantity } from "./format.js";
import { gql } from "./session.js";
import { ACTION_WORDS, badge, day, moment } from "./team-due.js";

const PERIOD = `query Period($entity: String!, $period: String!) {
  reportingStatus(entity: [$entity], periods: [$period]) { dataset state deadline }
  reports(entity: [$entity], period: [$period]) {
    dataset status latestVersion
    versions { version author submittedAt source comment
               findings { severity field place message comment needsComment } }
    events { action actor at reason version }
  }
}`;
const MOVE = `mutation Move($input: TransitionInput!) {
  transitionReport(input: $input) { status }
}`;
const DIFF = `query Diff($entity: String!, $period: String!, $dataset: Dataset!, $from: Int!, $to: Int!) {
  reportDiff(entity: $entity, period: $period, dataset: $dataset, fromVersion: $from, toVersion: $to) {
    item before after delta
  }
}`;
const NAMES = { KPI: "KPI report", STATEMENTS: "Financial statements" };
const SOURCES = { excel: "workbook", graphql: "API", demo: "demo" };

function where(finding) {
  return finding.place ? finding.place.replace("!", " ") : finding.field;
}

function say(box, text) {
  box.textContent = text;
  box.hidden = !text;
}

function versionsTable(id, versions) {
  const rows = [...versions].reverse().map((v) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, `version ${v.version}`),
      h("td", {}, v.author),
      h("td", {}, moment(v.submittedAt)),
      h("td", {}, SOURCES[v.source] ?? v.source),
      h("td", {}, v.comment ?? ""),
    ),
  );
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { id },
      h("caption", { class: "muted" }, "Versions, newest first"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Version", "Saved by", "When", "From", "Comment"].map((t) => h("th", { scope: "col" }, t)),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}

function submitForm(context, report, warnings) {
  const key = report.dataset.toLowerCase();
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const boxes = [];
  const fields = [];
  warnings.forEach((warning, index) => {
    if (!warning.needsComment) {
      fields.push(
        h("p", { class: "muted" }, `${where(warning)}: ${warning.message}. Explained by its Note: ${warning.comment}`),
      );
      return;
    }
    const id = `comment-${key}-${index}`;
    const box = h("textarea", { id, name: id, "data-where": where(warning) });
    boxes.push({ box, warning });
    fields.push(
      h(
        "div",
        { class: "field" },
        h("label", { for: id }, `Comment on ${where(warning)}: ${warning.message}`),
        box,
      ),
    );
  });
  const generalId = `comment-${key}`;
  const general = h("textarea", { id: generalId, name: generalId });
  const button = h("button", { type: "submit" }, `Submit version ${report.latestVersion} to finance`);
  const form = h(
    "form",
    { class: "submit-form", "data-dataset": report.dataset },
    ...fields,
    h("div", { class: "field" }, h("label", { for: generalId }, "Comment for finance (optional)"), general),
    error,
    button,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const empty = boxes.filter(({ box }) => !box.value.trim());
    if (empty.length) {
      say(error, `Write a comment for each warning before submitting: ${empty.map(({ box }) => box.dataset.where).join(", ")}.`);
      empty[0].box.focus();
      return;
    }
    const lines = boxes.map(({ box, warning }) => `${where(warning)}: ${box.value.trim()}`);
    if (general.value.trim()) lines.unshift(general.value.trim());
    button.disabled = true;
    try {
      await move(context, report.dataset, "SUBMIT", lines.join("\n") || null);
    } catch (problem) {
      say(error, problem.message);
      button.disabled = false;
    }
  });
  return form;
}

async function move(context, dataset, action, reason) {
  await gql(MOVE, {
    input: { entity: context.entity, period: context.period, dataset, action, reason },
  });
  await context.refresh();
}

function diffForm(context, report) {
  const key = report.dataset.toLowerCase();
  const versions = report.versions.map((v) => v.version);
  const options = (chosen) => versions.map((v) => h("option", { value: v, selected: v === chosen }, `version ${v}`));
  const from = h("select", { id: `diff-from-${key}` }, ...options(versions.at(-2)));
  const to = h("select", { id: `diff-to-${key}` }, ...options(versions.at(-1)));
  const output = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "diff-form" },
    h("div", { class: "field" }, h("label", { for: from.id }, "From"), from),
    h("div", { class: "field" }, h("label", { for: to.id }, "To"), to),
    h("button", { type: "submit", class: "secondary" }, "Show the differences"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const data = await gql(DIFF, {
        entity: context.entity,
        period: context.period,
        dataset: report.dataset,
        from: Number(from.value),
        to: Number(to.value),
      });
      const changes = data.reportDiff;
      if (!changes.length) {
        clear(output).append(h("p", {}, "The two versions hold the same figures."));
        return;
      }
      const rows = changes.map((c) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, c.item),
          h("td", { class: "num" }, formatQuantity(c.before)),
          h("td", { class: "num" }, formatQuantity(c.after)),
          h("td", { class: "num" }, formatQuantity(c.delta)),
        ),
      );
      clear(output).append(
        h(
          "div",
          { class: "scroll" },
          h(
            "table",
            { class: "diff", id: `diff-${key}` },
            h("caption", { class: "muted" }, `From version ${from.value} to version ${to.value}`),
            h(
              "thead",
              {},
              h("tr", {}, ...["Item", "Before", "After", "Change"].map((t) => h("th", { scope: "col" }, t))),
            ),
            h("tbody", {}, ...rows),
          ),
        ),
      );
    } catch (problem) {
      clear(output).append(h("p", { class: "error", role: "alert" }, problem.message));
    }
  });
  return [h("h3", {}, "What changed"), form, output];
}

function card(context, row, report) {
  const key = row.dataset.toLowerCase();
  const title = `${NAMES[row.dataset]} ${context.period}`;
  const parts = [
    h("h2", { id: `report-${key}-title` }, title, " ", badge(row.state)),
    row.deadline ? h("p", { class: "muted" }, `Due ${day(row.deadline)}.`) : null,
  ];
  if (!report) {
    parts.push(h("p", {}, "No version yet: fill the workbook above and upload it."));
    return h("section", { class: "card report-card", id: `report-${key}`, "aria-labelledby": `report-${key}-title` }, ...parts);
  }
  const last = report.events.at(-1);
  if (last && ["return", "reopen"].includes(last.action)) {
    parts.push(
      h("p", { class: "warning-box" }, `${ACTION_WORDS[last.action]} by ${last.actor} on ${day(last.at)}: ${last.reason ?? ""}`),
    );
  }
  parts.push(versionsTable(`versions-${key}`, report.versions));
  const latest = report.versions.at(-1);
  const warnings = (latest?.findings ?? []).filter((f) => f.severity === "WARNING");
  const error = h("p", { class: "error", role: "alert", hidden: true });
  if (report.status === "DRAFT") {
    parts.push(h("h3", {}, warnings.length ? "Warnings and submission" : "Submission"), submitForm(context, report, warnings));
  } else if (report.status === "SUBMITTED") {
    const withdraw = h("button", { type: "button", class: "secondary" }, "Withdraw to change it");
    withdraw.addEventListener("click", async () => {
      withdraw.disabled = true;
      try {
        await move(context, report.dataset, "WITHDRAW", null);
      } catch (problem) {
        say(error, problem.message);
        withdraw.disabled = false;
      }
    });
    parts.push(h("p", {}, `Version ${report.latestVersion} is with finance for review. `, withdraw), error);
  } else {
    parts.push(h("p", {}, `Version ${report.latestVersion} is ${report.status.toLowerCase()}: finance must reopen it before it can change.`));
  }
  if (report.versions.length >= 2) parts.push(...diffForm(context, report));
  return h("section", { class: "card report-card", id: `report-${key}`, "aria-labelledby": `report-${key}-title` }, ...parts);
}

export async function renderReports(container, entity, period, refresh) {
  const data = await gql(PERIOD, { entity, period });
  const reports = new Map(data.reports.map((r) => [r.dataset, r]));
  const context = { entity, period, refresh };
  clear(container).append(...data.reportingStatus.map((row) => card(context, row, reports.get(row.dataset))));
}
