// The browser's session with the hub, for every page but the board dashboard: who is signed in,
// GraphQL and REST calls with the session cookie and the CSRF token, and signing out.
//
// Every unsafe request made with the session cookie carries the CSRF token: the hub sets it in the
// readable cookie `csrftoken` on any GET, and expects it back in the `X-CSRFToken` header.
// An answer 401 (not signed in, session expired, user disabled) sends the browser to the sign-in
// page with the reason and the current page as `next`, then throws a `SignedOut` error.

const CSRF_COOKIE = "csrftoken";

// HTTP 401: nobody is signed in any more; the browser is on its way to the sign-in page.
export class SignedOut extends Error {}

// The request reached the hub and was refused or failed; `status` is the HTTP status.
export class HubError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export function csrfToken() {
  for (const pair of document.cookie.split(";")) {
    const [name, ...value] = pair.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join("="));
  }
  return "";
}

// The sign-in page's address that brings the visitor back here (or to `next`) afterwards.
export function signInUrl(next = location.pathname + location.search, reason = "") {
  const query = new URLSearchParams({ next });
  if (reason) query.set("reason", reason);
  return `/sign-in?${query}`;
}

async function detail(response) {
  try {
    const body = await response.clone().json();
    return body.detail ?? JSON.stringify(body);
  } catch {
    return response.statusText || `HTTP ${response.status}`;
  }
}

async function refusedSignIn(response) {
  const reason = await detail(response);
  location.assign(signInUrl(undefined, reason));
  throw new SignedOut(reason);
}

// The signed-in user, {name, role, entity}, or null when nobody is signed in (the reason is
// then in `me.reason`).
export async function me() {
  const response = await fetch("/auth/me", {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (response.status === 401) {
    me.reason = await detail(response);
    return null;
  }
  if (!response.ok) throw new HubError(await detail(response), response.status);
  return response.json();
}

// The signed-in user whose role is one of `roles` (any role when empty); a visitor who is not
// signed in goes to the sign-in page (and this never resolves).
export async function requireUser(...roles) {
  const user = await me();
  if (user === null) {
    const reason = me.reason === "you are not signed in" ? "" : me.reason;
    location.assign(signInUrl(undefined, reason));
    return new Promise(() => {});
  }
  if (roles.length && !roles.includes(user.role)) {
    throw new HubError(`this page is for ${roles.join(" or ")}: you are signed in as ${user.role}`, 403);
  }
  return user;
}

// A GraphQL query or mutation; resolves to its `data`, throws a HubError with the GraphQL
// message(s) when there are errors.
export async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRFToken": csrfToken(),
    },
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401) return refusedSignIn(response);
  let body;
  try {
    body = await response.json();
  } catch {
    throw new HubError(`HTTP ${response.status}: ${response.statusText}`, response.status);
  }
  if (body.errors?.length) {
    throw new HubError(body.errors.map((error) => error.message).join("; "), response.status);
  }
  if (!response.ok) throw new HubError(body.detail ?? `HTTP ${response.status}`, response.status);
  return body.data;
}

// A GET of a REST route (a download, say). Resolves to the fetch Response whatever its status,
// except 401, which goes to the sign-in page.
export async function get(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (response.status === 401) return refusedSignIn(response);
  return response;
}

// A POST to a REST route. `body` is a FormData, a Blob/File (sent as is) or a plain object (sent
// as JSON). Resolves to the fetch Response whatever its status (an upload's 422 carries the
// problems), except 401, which goes to the sign-in page.
export async function post(url, body, headers = {}) {
  const sent = { "X-CSRFToken": csrfToken(), Accept: "application/json", ...headers };
  let payload = body;
  if (!(body instanceof FormData || body instanceof Blob) && body !== undefined) {
    sent["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: sent,
    body: payload,
  });
  if (response.status === 401) return refusedSignIn(response);
  return response;
}

// Ends the session and goes to the sign-in page.
export async function signOut() {
  await fetch("/auth/sign-out", {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
  });
  location.assign("/sign-in");
}
