// The hub's GraphQL endpoint for the dashboard: with the bearer token kept for this browser tab,
// or, once `useSession()` is called, with the browser's session cookie (session.js: CSRF token,
// and an expired session sends the person to the sign-in page and back).

import { SignedOut, get, gql } from "./session.js";

const TOKEN_KEY = "hub.token";

let viaSession = false;

export function useSession() {
  viaSession = true;
}

export function usesSession() {
  return viaSession;
}

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

async function sessionGraphql(query, variables) {
  try {
    return await gql(query, variables);
  } catch (error) {
    if (error instanceof SignedOut) {
      return new Promise(() => {}); // the browser is on its way to the sign-in page
    }
    throw new HubError(error.message);
  }
}

export async function graphql(query, variables = {}) {
  if (viaSession) {
    return sessionGraphql(query, variables);
  }
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

// The name a download is saved under: the hub's Content-Disposition, else `fallback`.
function fileName(response, fallback) {
  const disposition = response.headers.get("Content-Disposition") ?? "";
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallback;
}

// A file from a REST route, the way the dashboard's GraphQL calls are made (bearer token or
// session): { blob, name }. A refusal throws, with the hub's reason.
export async function download(url, fallbackName) {
  let response;
  if (viaSession) {
    try {
      response = await get(url);
    } catch (error) {
      if (error instanceof SignedOut) {
        return new Promise(() => {}); // the browser is on its way to the sign-in page
      }
      throw error;
    }
  } else {
    response = await fetch(url, { headers: { Authorization: `Bearer ${getToken() ?? ""}` } });
    if (response.status === 401) {
      throw new AuthError(`HTTP 401: ${await detail(response)}`);
    }
  }
  if (!response.ok) {
    throw new HubError(await detail(response));
  }
  return { blob: await response.blob(), name: fileName(response, fallbackName) };
}
