// The hub's GraphQL endpoint, called with the bearer token kept for this browser tab.

const TOKEN_KEY = "hub.token";

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// HTTP 401: no token, or one the hub does not know (any more).
export class AuthError extends Error {}

// The request reached the hub but was refused or failed: HTTP errors, GraphQL errors.
export class HubError extends Error {}

async function detail(response) {
  try {
    const body = await response.json();
    return body.detail ?? JSON.stringify(body);
  } catch {
    return response.statusText;
  }
}

export async function graphql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      Authorization: `Bearer ${getToken() ?? ""}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401) {
    throw new AuthError(`HTTP 401: ${await detail(response)}`);
  }
  if (!response.ok) {
    throw new HubError(`HTTP ${response.status}: ${await detail(response)}`);
  }
  const body = await response.json();
  if (body.errors?.length) {
    throw new HubError(body.errors.map((error) => error.message).join("; "));
  }
  return body.data;
}
