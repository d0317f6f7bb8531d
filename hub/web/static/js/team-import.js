// A national accounting export (SIE, DATEV, a CSV or Excel trial balance) sent as the period's
// financial statements: the hub reads it and answers with every problem by line of the file, or
// the saved version with its warnings and the accounts the chart leaves unmapped.

import { clear, h } from "./dom.js";
import { formatQuantity } from "./format.js";
import { post } from "./session.js";

const FORMAT_WORDS = {
  sie: "SIE 4 (Swedish programs)",
  datev: "DATEV booking batch (with its account names)",
  csv: "CSV or Excel trial balance (your saved column profile)",
};

function where(item) {
  const parts = [];
  if (item.line != null) parts.push(`line ${item.line}`);
  if (item.column != null) parts.push(`column ${item.column}`);
  if (item.account) parts.push(`account ${item.account}`);
  return parts.join(", ") || "the file";
}

function table(id, caption, head, rows) {
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { id },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...head.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((c) => h("td", {}, c))))),
    ),
  );
}

function verdict(report) {
  if (report.accepted) {
    if (report.outcome === "saved") return `Imported: financial statements version ${report.version} saved.`;
    return `Imported: ${report.outcome} (still version ${report.version}).`;
  }
  const count = report.problems.length;
  return `Nothing was saved: ${count} problem${count === 1 ? "" : "s"} in the file.`;
}

function render(result, report) {
  const parts = [
    h("p", { class: report.accepted ? "notice verdict" : "error verdict", id: "export-verdict" }, verdict(report)),
  ];
  if (report.problems.length) {
    parts.push(table("export-problems", "Problems", ["Where", "What"], report.problems.map((p) => [where(p), p.message])));
  }
  const warnings = report.findings.filter((f) => f.severity === "warning");
  if (warnings.length) {
    parts.push(
      table(
        "export-warnings",
        "Warnings: each needs a comment when you submit (below)",
        ["Where", "What"],
        warnings.map((f) => [where(f), f.message]),
      ),
    );
  }
  if (report.unmapped.length) {
    parts.push(
      table(
        "export-unmapped",
        "Accounts the chart maps to no group line",
        ["Account", "Name", "Balance", "Why"],
        report.unmapped.map((u) => [u.account, u.name ?? "", formatQuantity(u.balance), u.reason ?? ""]),
      ),
    );
  }
  if (report.derivedFrom) parts.push(h("p", { class: "muted" }, `Trial balance from ${report.derivedFrom}.`));
  clear(result).append(...parts);
  result.hidden = false;
  result.focus();
}

export function mountImport({ card, form, format, files, comment, status, result, formats, target, saved }) {
  const usable = formats.filter((f) => FORMAT_WORDS[f]);
  card.hidden = usable.length === 0;
  format.replaceChildren(...usable.map((f) => h("option", { value: f }, FORMAT_WORDS[f])));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = [...files.files];
    if (!chosen.length) {
      status.textContent = "Choose the export to send first.";
      files.focus();
      return;
    }
    const { entity, period } = target();
    const query = comment.value.trim() ? `?${new URLSearchParams({ comment: comment.value.trim() })}` : "";
    const url = `/api/reports/${encodeURIComponent(entity)}/${encodeURIComponent(period)}/import/${format.value}${query}`;
    status.textContent = `Reading ${chosen.map((f) => f.name).join(", ")}…`;
    result.hidden = true;
    let response;
    if (chosen.length === 1) {
      response = await post(url, chosen[0], { "X-File-Name": chosen[0].name, "Content-Type": "application/octet-stream" });
    } else {
      const body = new FormData();
      for (const file of chosen) body.append("files", file, file.name);
      response = await post(url, body);
    }
    const report = await response.json().catch(() => ({ detail: `the hub answered HTTP ${response.status}` }));
    status.textContent = "";
    if (report.detail !== undefined) {
      clear(result).append(h("p", { class: "error verdict", id: "export-verdict" }, `Not read: ${report.detail}`));
      result.hidden = false;
      result.focus();
      return;
    }
    render(result, report);
    if (report.accepted) await saved();
  });
}
