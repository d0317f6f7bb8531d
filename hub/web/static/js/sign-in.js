// The sign-in page: the form posts the user name and password as JSON (with the CSRF token) and,
// once signed in, goes to `next` (a page of this hub) or to the first page of the user's role.
// Refusals are shown in place, as the hub words them. Without scripts the form posts itself.

import { pagesFor } from "./header.js";
import { csrfToken } from "./session.js";

const form = document.getElementById("sign-in-form");
const errorBox = document.getElementById("sign-in-error");
const reasonBox = document.getElementById("sign-in-reason");
const button = document.getElementById("sign-in-button");
const query = new URLSearchParams(location.search);

// Only a path of this hub: never another site (`//evil.example`, `https://…`, `/\evil`).
export function localPath(target) {
  if (!target || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) {
    return null;
  }
  return /[\u0000-\u001f]/.test(target) ? null : target;
}

function show(box, text) {
  box.textContent = text;
  box.hidden = !text;
}

const next = localPath(query.get("next"));
document.getElementById("next-field").value = next ?? "";
document.getElementById("csrf-field").value = csrfToken();
show(reasonBox, query.get("reason") ?? "");
show(errorBox, query.get("error") ?? "");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = form.username.value.trim();
  const password = form.password.value;
  if (!username || !password) {
    show(errorBox, "enter your user name and your password");
    (username ? form.password : form.username).focus();
    return;
  }
  button.disabled = true;
  show(errorBox, "");
  try {
    const response = await fetch("/auth/sign-in", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({ username, password }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      show(errorBox, body.detail ?? `the hub answered HTTP ${response.status}`);
      form.password.value = "";
      form.password.focus();
      return;
    }
    location.assign(next ?? pagesFor(body.role)[0]?.path ?? "/");
  } catch {
    show(errorBox, "the hub cannot be reached: check the connection and try again");
  } finally {
    button.disabled = false;
  }
});
