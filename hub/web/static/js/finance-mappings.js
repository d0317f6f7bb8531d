// The mappings of an entity's national accounts to the group chart for a year: the accounts with
// a balance that no rule maps (chosen together and mapped to one line in one step, from a
// period on, with a reason), and the rules in force with their history.

import { clear, h } from "./dom.js";
import { $, attempt, formatCents, say, when } from "./finance-common.js";
import { gql } from "./session.js";

const SETUP = `{ entities { code name } groupLines { code label statement depth mappable } }`;

const VIEW = `query($entity: String!, $period: String!) {
  unmappedAccounts(entity: $entity, period: $period) { version accounts { account name balance reason } }
  mappings(entity: $entity, period: $period) {
    kind accounts
    current { line lineLabel effectiveFrom reason recordedBy recordedAt }
    history { line lineLabel effectiveFrom reason recordedBy recordedAt inForce }
  }
}`;

const MAP = `mutation($input: MapAccountsInput!) {
  mapAccounts(input: $input) { first current { line lineLabel effectiveFrom } }
}`;

const STATEMENT_WORDS = { BALANCE_SHEET: "Balance sheet", INCOME_STATEMENT: "Income statement" };

const state = { entity: null, period: null, lines: [] };

function fillLines(select) {
  const groups = new Map();
  for (const line of state.lines) {
    if (!groups.has(line.statement)) {
      groups.set(line.statement, h("optgroup", { label: STATEMENT_WORDS[line.statement] }));
    }
    const indent = "\u00a0\u00a0".repeat(line.depth);
    groups.get(line.statement).append(
      h("option", { value: line.code, disabled: !line.mappable }, `${indent}${line.label} (${line.code})`),
    );
  }
  select.replaceChildren(h("option", { value: "" }, "Choose a line"), ...groups.values());
}

function version(row) {
  const who = row.recordedBy ? `${row.recordedBy}, ${when(row.recordedAt)}` : "the chart file";
  const line = row.line ? `${row.lineLabel} (${row.line})` : "left out of the statements";
  return `from ${row.effectiveFrom ?? "the start"}: ${line}, ${row.reason} (${who})`;
}

function renderRules(rules) {
  const rows = rules.map((rule) => {
    const current = rule.current;
    const earlier = rule.history.length > 1
      ? h(
          "details",
          {},
          h("summary", {}, `${rule.history.length} versions`),
          h("ol", {}, ...rule.history.map((row) => h("li", { class: row.inForce ? "in-force" : null }, version(row)))),
        )
      : "";
    return h(
      "tr",
      {},
      h("td", {}, rule.accounts),
      h("td", {}, current.line ? `${current.lineLabel} (${current.line})` : "left out"),
      h("td", {}, current.effectiveFrom ?? "the start"),
      h("td", {}, current.reason),
      h("td", {}, earlier),
    );
  });
  clear($("rules").tBodies[0]).append(...rows);
}

function renderUnmapped(unmapped) {
  const rows = unmapped.accounts.map((account) => {
    const id = `map-account-${account.account}`;
    return h(
      "tr",
      { "data-account": account.account },
      h(
        "td",
        {},
        h("input", { type: "checkbox", id, name: "accounts", value: account.account, checked: true }),
        h("label", { for: id, class: "skip-label" }, `Map account ${account.account}`),
      ),
      h("td", {}, account.account),
      h("td", {}, account.name ?? ""),
      h("td", { class: "num" }, formatCents(account.balance)),
      h("td", {}, account.reason ?? "no mapping rule covers it"),
    );
  });
  clear($("unmapped").tBodies[0]).append(...rows);
  $("map-form").hidden = rows.length === 0;
  $("unmapped-none").hidden = rows.length > 0;
  $("unmapped-none").textContent = unmapped.version
    ? `Every account of version ${unmapped.version} with a balance is mapped.`
    : "No statements reported for this year.";
}

async function show(entity, period) {
  const data = await attempt($("mappings-error"), () => gql(VIEW, { entity, period }));
  if (!data) return false;
  state.entity = entity;
  state.period = period;
  renderUnmapped(data.unmappedAccounts);
  renderRules(data.mappings);
  $("map-from").value = period;
  $("mappings-body").hidden = false;
  return true;
}

async function map(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const accounts = [...form.querySelectorAll("input[name=accounts]:checked")].map((box) => box.value);
  say($("map-notice"), "");
  if (!accounts.length) {
    say($("map-error"), "Accounts: choose at least one account to map");
    return;
  }
  const input = {
    entity: state.entity,
    accounts,
    line: form.line.value,
    effectiveFrom: form.effectiveFrom.value.trim(),
    reason: form.reason.value.trim(),
  };
  const done = await attempt($("map-error"), () => gql(MAP, { input }));
  if (!done) return;
  const [first] = done.mapAccounts;
  form.reason.value = "";
  await show(state.entity, state.period);
  say(
    $("map-notice"),
    `${accounts.join(", ")} of ${state.entity} mapped to ${first.current.lineLabel} ` +
      `(${first.current.line}) from ${first.current.effectiveFrom}.`,
  );
}

export async function mountMappings() {
  const setup = await gql(SETUP);
  state.lines = setup.groupLines;
  $("mappings-entity").replaceChildren(
    ...setup.entities.map((e) => h("option", { value: e.code }, `${e.code}: ${e.name}`)),
  );
  fillLines($("map-line"));
  $("mappings-period").value = String(new Date().getFullYear() - 1);
  $("mappings-form").addEventListener("submit", (event) => {
    event.preventDefault();
    say($("map-notice"), "");
    show($("mappings-entity").value, $("mappings-period").value.trim());
  });
  $("map-form").addEventListener("submit", map);
}
