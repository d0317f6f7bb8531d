// The admins' page: every user (role, entity, state, last sign-in, tokens), adding a user,
// changing a role, disabling and enabling, resetting a password and issuing or revoking tokens,
// all through the admins' GraphQL. Secrets (a password, a token) are shown once.

import { clear, h } from "./dom.js";
import { mountHeader } from "./header.js";
import { gql, requireUser } from "./session.js";

const ROLES = ["NATIONAL", "FINANCE", "BOARD", "ADMIN"];
const ROLE_WORDS = { NATIONAL: "national team", FINANCE: "finance", BOARD: "board", ADMIN: "admin" };

// How the hub names an input in a refusal (`entity: …`), as the forms label it.
const FIELD_LABELS = {
  name: "User name",
  role: "Role",
  entity: "Entity",
  label: "Label of a new token",
  expiresInDays: "Expires in (days)",
  token: "Token",
  password: "Password",
};

const USERS = `{
  users { name role entity disabledAt lastSignInAt lockedUntil hasPassword activeTokens
          tokens { id label state expiresAt lastUsedAt revokedAt } }
  entities { code }
}`;

const state = { users: [], entities: [], selected: null, me: null };

function $(id) {
  return document.getElementById(id);
}

function say(box, text) {
  box.textContent = text;
  box.hidden = !text;
}

function inUserWords(message) {
  return message.replace(/(^|; )(\w+): /g, (all, start, field) =>
    FIELD_LABELS[field] ? `${start}${FIELD_LABELS[field]}: ` : all,
  );
}

function when(moment) {
  if (!moment) return "never";
  return new Date(moment).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function day(moment) {
  return moment ? new Date(moment).toLocaleDateString(undefined, { dateStyle: "medium" }) : "";
}

function userState(user) {
  if (user.disabledAt) return `disabled since ${day(user.disabledAt)}`;
  if (user.lockedUntil) return `locked out until ${when(user.lockedUntil)}`;
  return user.hasPassword ? "active" : "active (no password yet)";
}

function fillRoles(select) {
  select.replaceChildren(...ROLES.map((role) => h("option", { value: role }, ROLE_WORDS[role])));
}

function fillEntities(select) {
  select.replaceChildren(
    h("option", { value: "" }, "none"),
    ...state.entities.map((code) => h("option", { value: code }, code)),
  );
}

// The entity belongs to the national role only: chosen for it, left empty otherwise.
function linkRoleAndEntity(roleSelect, entitySelect) {
  const sync = () => {
    const national = roleSelect.value === "NATIONAL";
    entitySelect.disabled = !national;
    if (!national) entitySelect.value = "";
    else if (!entitySelect.value) entitySelect.value = state.entities[0] ?? "";
  };
  roleSelect.addEventListener("change", sync);
  sync();
  return sync;
}

function showSecrets(what, secrets) {
  $("secret-what").textContent = what;
  $("secret-values").replaceChildren(
    ...secrets.flatMap(([label, value]) => [
      h("dt", {}, label),
      h("dd", { class: "secret", "data-secret": label }, value),
    ]),
  );
  $("secret-card").hidden = false;
  $("secret-done").focus();
}

$("secret-done").addEventListener("click", () => {
  $("secret-values").replaceChildren();
  $("secret-card").hidden = true;
});

function renderUsers() {
  const rows = state.users.map((user) => {
    const manage = h(
      "button",
      { type: "button", class: "secondary", "aria-label": `Manage ${user.name}` },
      "Manage",
    );
    manage.addEventListener("click", () => select(user.name));
    return h(
      "tr",
      { "data-user": user.name },
      h("th", { scope: "row" }, user.name),
      h("td", { "data-col": "role" }, ROLE_WORDS[user.role]),
      h("td", { "data-col": "entity" }, user.entity ?? ""),
      h("td", { "data-col": "state" }, userState(user)),
      h("td", { "data-col": "last-sign-in" }, when(user.lastSignInAt)),
      h("td", { "data-col": "tokens" }, String(user.activeTokens)),
      h("td", {}, manage),
    );
  });
  clear($("users").tBodies[0]).append(...rows);
}

function renderManaged() {
  const user = state.users.find((u) => u.name === state.selected);
  $("manage").hidden = !user;
  if (!user) return;
  $("manage-title").textContent = `Manage ${user.name}`;
  $("manage-role").value = user.role;
  $("manage-entity").value = user.entity ?? "";
  syncManaged();
  const own = state.me && user.name === state.me.name;
  $("toggle-disabled").textContent = user.disabledAt ? "Enable" : "Disable";
  $("toggle-disabled").disabled = Boolean(own && !user.disabledAt);
  const rows = user.tokens.map((token) => {
    const revoke = h(
      "button",
      { type: "button", class: "secondary", "aria-label": `Revoke token ${token.id}` },
      "Revoke",
    );
    revoke.disabled = token.state !== "ACTIVE";
    revoke.addEventListener("click", () =>
      act(`mutation($id: Int!) { revokeToken(id: $id) { id } }`, { id: token.id }),
    );
    return h(
      "tr",
      { "data-token": String(token.id) },
      h("td", {}, String(token.id)),
      h("td", {}, token.label),
      h("td", {}, token.state.toLowerCase()),
      h("td", {}, day(token.expiresAt)),
      h("td", {}, when(token.lastUsedAt)),
      h("td", {}, revoke),
    );
  });
  clear($("tokens").tBodies[0]).append(...rows);
}

async function load() {
  const data = await gql(USERS);
  state.users = data.users;
  state.entities = data.entities.map((e) => e.code);
  renderUsers();
  renderManaged();
}

function select(name) {
  state.selected = name;
  say($("manage-error"), "");
  renderManaged();
  $("manage-role").focus();
}

// A change to the selected user; its refusal is shown in place, then the list is reloaded.
async function act(mutation, variables, box = $("manage-error")) {
  say(box, "");
  try {
    const data = await gql(mutation, variables);
    await load();
    return data;
  } catch (error) {
    say(box, inUserWords(error.message));
    return null;
  }
}

let syncManaged = () => {};

async function start() {
  const user = await requireUser("admin");
  state.me = user;
  mountHeader(user);
  for (const id of ["create-role", "manage-role"]) fillRoles($(id));
  await load();
  for (const id of ["create-entity", "manage-entity"]) fillEntities($(id));
  linkRoleAndEntity($("create-role"), $("create-entity"));
  syncManaged = linkRoleAndEntity($("manage-role"), $("manage-entity"));
  renderManaged();

  $("create-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = form.name.value.trim();
    const input = { name, role: form.role.value, entity: form.entity.value || null };
    const created = await act(
      `mutation($input: CreateUserInput!, $name: String!) {
         createUser(input: $input) { secret }
         resetPassword(name: $name) { password }
       }`,
      { input: { ...input, tokenLabel: "first token" }, name },
      $("create-error"),
    );
    if (!created) return;
    form.reset();
    $("create-role").dispatchEvent(new Event("change"));
    showSecrets(`${name} was added. Give them these; the hub keeps neither.`, [
      ["Password", created.resetPassword.password],
      ["Bearer token", created.createUser.secret],
    ]);
  });

  $("role-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(
      `mutation($input: ChangeUserRoleInput!) { changeUserRole(input: $input) { name } }`,
      {
        input: {
          name: state.selected,
          role: $("manage-role").value,
          entity: $("manage-entity").value || null,
        },
      },
    );
  });

  $("toggle-disabled").addEventListener("click", () => {
    const user = state.users.find((u) => u.name === state.selected);
    const field = user.disabledAt ? "enableUser" : "disableUser";
    act(`mutation($name: String!) { ${field}(name: $name) { name } }`, { name: user.name });
  });

  $("reset-password").addEventListener("click", async () => {
    const name = state.selected;
    const done = await act(
      `mutation($name: String!) { resetPassword(name: $name) { password } }`,
      { name },
    );
    if (done) {
      showSecrets(`The new password of ${name}. Their sessions opened before have ended.`, [
        ["Password", done.resetPassword.password],
      ]);
    }
  });

  $("token-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const days = form.days.value.trim();
    const done = await act(
      `mutation($input: IssueTokenInput!) { issueToken(input: $input) { secret token { id } } }`,
      {
        input: {
          name: state.selected,
          label: form.label.value,
          expiresInDays: days === "" ? null : Number(days),
        },
      },
    );
    if (done) {
      form.reset();
      showSecrets(`A new token of ${state.selected}.`, [["Bearer token", done.issueToken.secret]]);
    }
  });
}

start().catch((error) => say($("page-error"), error.message));
