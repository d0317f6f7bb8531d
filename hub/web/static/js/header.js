// The header every signed-in page shares: the hub's name, the pages the user's role may use,
// who is signed in, and a sign-out button. `mountHeader(user)` fills <header id="hub-header">.

import { h } from "./dom.js";
import { signOut } from "./session.js";

// Which pages each role may use (the services decide what each may do on them).
export const PAGES = [
  { path: "/team", label: "Our reports", roles: ["national"] },
  { path: "/finance", label: "Finance", roles: ["finance"] },
  { path: "/admin", label: "Users", roles: ["admin"] },
  { path: "/", label: "Dashboard", roles: ["board", "national", "finance", "admin"] },
];

export function pagesFor(role) {
  return PAGES.filter((page) => page.roles.includes(role));
}

function described(user) {
  return user.entity ? `${user.name} (${user.role}, ${user.entity})` : `${user.name} (${user.role})`;
}

export function mountHeader(user, element = document.getElementById("hub-header")) {
  const here = location.pathname;
  const links = pagesFor(user.role).map((page) =>
    h(
      "li",
      {},
      h("a", { href: page.path, "aria-current": page.path === here ? "page" : null }, page.label),
    ),
  );
  const button = h("button", { type: "button", id: "sign-out", class: "secondary" }, "Sign out");
  button.addEventListener("click", () => {
    button.disabled = true;
    signOut();
  });
  element.classList.add("hub-header");
  element.replaceChildren(
    h("a", { class: "brand", href: pagesFor(user.role)[0].path }, "The network hub"),
    h("nav", { "aria-label": "Pages" }, h("ul", {}, ...links)),
    h(
      "div",
      { class: "who" },
      h("span", {}, "Signed in as ", h("strong", { id: "signed-in-as" }, described(user))),
      button,
    ),
  );
  return element;
}
