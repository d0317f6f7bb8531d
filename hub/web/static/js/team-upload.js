// The upload: a workbook dropped on the zone (or chosen with the file button) is sent to the hub,
// which checks it and saves it all or nothing; its answer is shown in place, every problem by
// sheet and cell, with the annotated workbook one click away.

import { clear, h } from "./dom.js";
import { post } from "./session.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DATASET_WORDS = { kpi: "KPI report", statements: "financial statements" };

function url({ entity, period }, annotated = false) {
  const path = `/api/reports/${encodeURIComponent(entity)}/${encodeURIComponent(period)}/workbook`;
  return annotated ? `${path}?annotated=true` : path;
}

function where(finding) {
  if (!finding.sheet) return "the workbook";
  return finding.cell ? `${finding.sheet} ${finding.cell}` : `the ${finding.sheet} sheet`;
}

function verdict(report) {
  if (!report.accepted) {
    const count = report.errorCount;
    return `Nothing was saved: ${count} error${count === 1 ? "" : "s"} to fix in the workbook.`;
  }
  const parts = report.datasets.map((d) => {
    const name = DATASET_WORDS[d.dataset] ?? d.dataset;
    if (d.outcome === "saved") return `${name}: version ${d.version} saved`;
    if (d.outcome === "unchanged") return `${name}: unchanged (still version ${d.version})`;
    return `${name}: ${d.outcome}`;
  });
  return `Checked and saved. ${parts.join("; ")}.`;
}

function findingsTable(id, caption, findings, withComment) {
  const head = [h("th", { scope: "col" }, "Where"), h("th", { scope: "col" }, "What")];
  if (withComment) head.push(h("th", { scope: "col" }, "Comment"));
  const rows = findings.map((f) => {
    const cells = [h("td", { class: "where" }, where(f)), h("td", {}, f.message)];
    if (withComment) {
      let comment = "";
      if (f.comment) comment = `Note: ${f.comment}`;
      else if (f.needsComment) comment = `Needs a comment: ${f.explain}`;
      cells.push(h("td", {}, comment));
    }
    return h("tr", { "data-severity": f.severity }, ...cells);
  });
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "findings", id },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...head)),
      h("tbody", {}, ...rows),
    ),
  );
}

async function saveAnnotated(file, target, button) {
  button.disabled = true;
  try {
    const response = await post(url(target, true), file, { "Content-Type": XLSX });
    const blob = await response.blob();
    const link = h("a", {
      href: URL.createObjectURL(blob),
      download: file.name.replace(/\.xlsx$/i, "") + "-checked.xlsx",
    });
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    button.disabled = false;
  }
}

function render(result, report, file, target) {
  const errors = report.errors ?? [];
  const warnings = (report.warnings ?? []).filter((w) => w.severity === "warning");
  const notices = (report.warnings ?? []).filter((w) => w.severity !== "warning");
  const parts = [
    h("p", { class: report.accepted ? "notice verdict" : "error verdict", id: "upload-verdict" }, verdict(report)),
  ];
  for (const d of report.datasets) {
    if (d.message && d.outcome !== "not stored") {
      parts.push(h("p", { class: "muted" }, `${DATASET_WORDS[d.dataset]}: ${d.message}`));
    }
  }
  if (errors.length) {
    const more = report.errorCount > errors.length ? ` (the first ${errors.length} of ${report.errorCount})` : "";
    parts.push(findingsTable("upload-errors", `Errors${more}: fix them in the workbook and upload it again`, errors, false));
  }
  if (warnings.length) {
    const caption = report.accepted
      ? "Warnings: each needs a comment before you submit (below), unless its line has a Note"
      : "Warnings";
    parts.push(findingsTable("upload-warnings", caption, warnings, true));
  }
  if (notices.length) parts.push(findingsTable("upload-notices", "Notices", notices, false));
  const button = h("button", { type: "button", class: "secondary", id: "annotated" }, "Download the checked workbook");
  button.addEventListener("click", () => saveAnnotated(file, target, button));
  parts.push(h("p", {}, button, " ", h("span", { class: "muted" }, "every problem marked on its cell")));
  clear(result).append(...parts);
  result.hidden = false;
  result.focus();
}

export function mountUpload({ form, zone, input, status, result, target, saved }) {
  async function send(file) {
    if (!file) {
      status.textContent = "Choose the workbook to upload first.";
      input.focus();
      return;
    }
    const where = target();
    status.textContent = `Checking ${file.name}…`;
    result.hidden = true;
    const response = await post(url(where), file, { "Content-Type": XLSX });
    let report;
    try {
      report = await response.json();
    } catch {
      report = { detail: `the hub answered HTTP ${response.status}` };
    }
    if (report.detail !== undefined) {
      status.textContent = "";
      clear(result).append(h("p", { class: "error verdict", id: "upload-verdict" }, `Not checked: ${report.detail}`));
      result.hidden = false;
      result.focus();
      return;
    }
    status.textContent = `${file.name} checked.`;
    render(result, report, file, where);
    if (report.accepted) await saved();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(input.files[0]).catch((error) => {
      status.textContent = `The upload failed: ${error.message}`;
    });
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer?.files?.[0];
    if (file) {
      send(file).catch((error) => {
        status.textContent = `The upload failed: ${error.message}`;
      });
    }
  });
}
