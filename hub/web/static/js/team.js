// The national team's page (/team): what is due, the period's workbook (download, upload with the
// checked result in place), and each report's versions, warnings, submission and differences.
// Everything comes from the hub's GraphQL and REST routes with the session cookie.

import { mountHeader } from "./header.js";
import { gql, requireUser } from "./session.js";
import { renderDue } from "./team-due.js";
import { mountImport } from "./team-import.js";
import { renderReports } from "./team-reports.js";
import { mountUpload } from "./team-upload.js";

const STATUS = `query Due($entity: [String!]) {
  reportingStatus(entity: $entity) {
    period dataset state deadline latestVersion lastChange { action actor at }
  }
}`;
const ENTITY = `query Entity($code: String!) {
  entity(code: $code) { name importFormats reporting }
}`;

const page = { user: null, period: null };

function $(id) {
  return document.getElementById(id);
}

export function showError(box, error) {
  box.textContent = error ? error.message ?? String(error) : "";
  box.hidden = !error;
}

async function loadDue() {
  const data = await gql(STATUS, { entity: [page.user.entity] });
  renderDue($("due"), data.reportingStatus, page.period, choose);
  return data.reportingStatus;
}

async function loadReports() {
  await renderReports($("reports"), page.user.entity, page.period, refresh);
}

// After a save or a move: the due list and the period's reports, as the hub now has them.
async function refresh() {
  await Promise.all([loadDue(), loadReports()]);
}

async function choose(period, { focus = true } = {}) {
  page.period = period;
  const url = new URL(location.href);
  url.searchParams.set("period", period);
  history.replaceState(null, "", url);
  for (const name of document.querySelectorAll(".period-name")) name.textContent = period;
  const entity = page.user.entity;
  const download = $("download");
  download.href = `/api/reports/${encodeURIComponent(entity)}/${encodeURIComponent(period)}/workbook`;
  download.textContent = `Download the workbook for ${period}`;
  $("period-work").hidden = false;
  for (const row of document.querySelectorAll("#due tbody tr")) {
    row.classList.toggle("chosen", row.dataset.period === period);
  }
  for (const id of ["upload-result", "export-result"]) $(id).hidden = true;
  for (const id of ["upload-status", "export-status"]) $(id).textContent = "";
  await loadReports();
  if (focus) {
    $("workbook-title").scrollIntoView({ block: "start" });
    $("workbook-title").focus({ preventScroll: true });
  }
}

async function main() {
  page.user = await requireUser("national");
  mountHeader(page.user);
  const { entity } = await gql(ENTITY, { code: page.user.entity });
  $("team-title").textContent = `Our reports: ${entity?.name ?? page.user.entity}`;
  if (entity?.reporting === "NODE") {
    // The hub refuses this team's saves, uploads, imports and submissions (with its own words):
    // the page says so before anyone tries.
    const notice = $("node-notice");
    notice.textContent =
      `${page.user.entity} reports through its node: your reports are sent from the node, and ` +
      "here you follow them; finance approves, returns and locks them here.";
    notice.hidden = false;
  }
  const rows = await loadDue();
  mountUpload({
    form: $("upload-form"),
    zone: $("drop-zone"),
    input: $("upload-file"),
    status: $("upload-status"),
    result: $("upload-result"),
    target: () => ({ entity: page.user.entity, period: page.period }),
    saved: refresh,
  });
  mountImport({
    card: $("export-card"),
    form: $("export-form"),
    format: $("export-format"),
    files: $("export-files"),
    comment: $("export-comment"),
    status: $("export-status"),
    result: $("export-result"),
    formats: entity?.importFormats ?? [],
    target: () => ({ entity: page.user.entity, period: page.period }),
    saved: refresh,
  });
  const asked = new URLSearchParams(location.search).get("period");
  const periods = rows.map((row) => row.period);
  if (asked && periods.includes(asked)) await choose(asked, { focus: false });
}

main().catch((error) => showError($("page-error"), error));
