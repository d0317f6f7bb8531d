// Nodes: per entity, who reports it (its team here, or its node), the last envelope accepted and
// as of when, the node's last contact, what is pending (versions awaiting approval, envelopes
// refused since the last accepted one) and a stale badge with its reasons. Reloaded after a
// report moves ("hub:report-moved", finance-status.js).

import { clear, h } from "./dom.js";
import { $, DATASET_WORDS, attempt, say, when } from "./finance-common.js";
import { gql } from "./session.js";

const NODES = `{
  federationStatus {
    entity mode stale staleReasons lastContact { at what }
    lastAccepted { sequence period dataset version asOf }
    pending { awaitingFinance { sequence period dataset version asOf }
              refused { sequence receivedAt reasons } refusedCount }
  }
}`;

function version(accepted) {
  return `${accepted.period} ${DATASET_WORDS[accepted.dataset]}, version ${accepted.version}`;
}

function lastAccepted(row) {
  if (row.mode === "CENTRAL") return "—";
  const accepted = row.lastAccepted;
  if (!accepted) return "nothing yet";
  return [
    `envelope ${accepted.sequence}: ${version(accepted)}`,
    h("small", { class: "sub" }, `as of ${when(accepted.asOf)}`),
  ];
}

function lastContact(row) {
  if (row.mode === "CENTRAL") return "—";
  const contact = row.lastContact;
  if (!contact) return "never";
  return [when(contact.at), h("small", { class: "sub" }, contact.what)];
}

function pending(row) {
  if (row.mode === "CENTRAL" && !row.pending?.awaitingFinance.length) return "—";
  const { awaitingFinance, refused, refusedCount } = row.pending;
  const parts = [];
  if (awaitingFinance.length) {
    parts.push(
      h(
        "div",
        { class: "awaiting" },
        `${awaitingFinance.length} awaiting approval: `,
        awaitingFinance.map((a) => version(a)).join("; "),
      ),
    );
  }
  if (refusedCount) {
    parts.push(
      h(
        "details",
        { class: "refused" },
        h("summary", {}, `${refusedCount} refused since the last accepted`),
        h(
          "ul",
          { class: "plain" },
          ...refused.map((r) =>
            h("li", {}, `envelope ${r.sequence} (${when(r.receivedAt)}): ${r.reasons.join("; ")}`),
          ),
        ),
      ),
    );
  }
  return parts.length ? parts : "nothing";
}

function stale(row) {
  if (!row.stale) return row.mode === "CENTRAL" ? "—" : "no";
  return [
    h("span", { class: "badge stale" }, "stale"),
    h("ul", { class: "plain reasons" }, ...row.staleReasons.map((reason) => h("li", {}, reason))),
  ];
}

function render(rows) {
  clear($("nodes-table").tBodies[0]).append(
    ...rows.map((row) =>
      h(
        "tr",
        { "data-entity": row.entity, "data-mode": row.mode, "data-stale": String(row.stale) },
        h("th", { scope: "row" }, row.entity),
        h("td", { "data-col": "mode" }, row.mode === "NODE" ? "its node" : "its team (central)"),
        h("td", { "data-col": "accepted" }, lastAccepted(row)),
        h("td", { "data-col": "contact" }, lastContact(row)),
        h("td", { "data-col": "pending" }, pending(row)),
        h("td", { "data-col": "stale" }, stale(row)),
      ),
    ),
  );
  const nodes = rows.filter((row) => row.mode === "NODE").length;
  const staleCount = rows.filter((row) => row.stale).length;
  $("nodes-caption").textContent = nodes
    ? `${nodes} of ${rows.length} entities report through their nodes; ${staleCount} stale.`
    : "Every entity reports centrally, on the hub.";
}

export async function loadNodes() {
  const data = await gql(NODES);
  render(data.federationStatus);
}

export async function mountNodes() {
  document.addEventListener("hub:report-moved", () => {
    attempt($("nodes-error"), loadNodes);
  });
  say($("nodes-error"), "");
  await attempt($("nodes-error"), loadNodes);
}
