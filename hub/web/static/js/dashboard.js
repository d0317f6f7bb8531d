// The board's dashboard: pick a year, and see the network table, the turnover charts, the path to
// break-even and the investment programmes. Whoever signed in at /sign-in sees it with the
// session; otherwise a bearer token is typed in (or the person follows the link to /sign-in).

import {
  AuthError,
  clearToken,
  getToken,
  graphql,
  setToken,
  useSession,
  usesSession,
} from "./api.js";
import { resetBoardPack, wireBoardPack } from "./board-pack.js";
import { barChart, lineChart } from "./charts.js";
import {
  BOARD_FIRST_COLUMNS,
  COMPARISON_QUERY,
  KPIS,
  REPORT_COLUMNS,
  YearView,
  renderBarTable,
  renderNetworkTable,
  renderTrendTable,
  turnoverItems,
  turnoverTrend,
} from "./comparison.js";
import { clear, h } from "./dom.js";
import { pagesFor } from "./header.js";
import {
  BREAK_EVEN_QUERY,
  PROGRAMMES_QUERY,
  renderBreakEven,
  renderProgrammes,
} from "./monitoring.js";
import { me, signOut as endSession } from "./session.js";

const TREND_YEARS = 6; // the selected year and the five before it
const UNPUBLISHED = new Set(["DRAFT", "SUBMITTED"]);

const SESSION_QUERY = `
{
  me { name role entity }
  kpiValues(kpi: ["turnover"]) { period }
  reports(dataset: [KPI]) { entity period status }
}`;

// Entities reported by their nodes whose data is stale: flagged in the network table.
const NODES_QUERY = `
{
  federationStatus { entity mode stale staleReasons publishedAsOf lastContact { at } }
}`;

const DAY_MS = 24 * 60 * 60 * 1000;

const byId = (id) => document.getElementById(id);

function daysAgo(moment) {
  const days = Math.floor((Date.now() - new Date(moment).getTime()) / DAY_MS);
  if (days <= 0) return "today";
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

// "figures as of 2026-10-02; node last seen 12 days ago", for each stale node entity.
function staleFlags(rows) {
  const flags = new Map();
  for (const row of rows) {
    if (row.mode !== "NODE" || !row.stale) continue;
    const figures = row.publishedAsOf
      ? `figures as of ${row.publishedAsOf.slice(0, 10)}`
      : "no figures from the node yet";
    const seen = row.lastContact ? `node last seen ${daysAgo(row.lastContact.at)}` : "node never seen";
    flags.set(row.entity, { text: `${figures}; ${seen}`, reasons: row.staleReasons });
  }
  return flags;
}

// Wide enough for the whole network table (its min-width, with the page's margins).
const WIDE = window.matchMedia("(min-width: 1100px)");

const state = {
  me: null, years: [], reports: [], comparison: null, year: null, drafts: new Set(), flags: new Map(),
};

function say(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

function showSignedIn(signedIn) {
  byId("login").hidden = signedIn;
  byId("dashboard").hidden = !signedIn;
  byId("session").hidden = !signedIn;
}

function resetDashboard() {
  Object.assign(state, {
    me: null, years: [], reports: [], comparison: null, year: null, drafts: new Set(),
    flags: new Map(),
  });
  resetBoardPack(byId("board-pack-note"));
  for (const id of ["network-table", "bar-chart", "bar-table", "trend-chart", "trend-table",
    "break-even-body", "programmes-body", "period"]) {
    clear(byId(id));
  }
  byId("network-table").removeAttribute("data-year");
}

function signOut(message = "") {
  clearToken();
  resetDashboard();
  showSignedIn(false);
  say(byId("login-error"), message);
  byId("token").focus();
}

// Years with a turnover the caller may read, newest first.
function yearsOf(values) {
  const years = new Set(values.map((v) => v.period).filter((p) => /^\d{4}$/.test(p)));
  return [...years].sort().reverse();
}

function yearSpan(year) {
  const last = Number(year);
  return Array.from({ length: TREND_YEARS }, (_, i) => String(last - TREND_YEARS + 1 + i));
}

// Entities whose figures for the year are not yet published but which the caller may read.
function unpublished(year) {
  const { role, entity } = state.me;
  return new Set(state.reports
    .filter((r) => r.period === year && UNPUBLISHED.has(r.status))
    .filter((r) => role === "finance" || role === "admin" || r.entity === entity)
    .map((r) => r.entity));
}

function audienceNote() {
  const { role, entity } = state.me;
  if (role === "national") {
    return `As the national team of ${entity} you also see ${entity}'s figures not yet `
      + "published (marked draft); the other entities' figures are the published ones.";
  }
  if (role === "board") {
    return "Published (approved) figures only.";
  }
  return "Every entity's latest figures, published or not (unpublished ones marked draft).";
}

async function start() {
  say(byId("login-error"), "");
  let session;
  try {
    session = await graphql(SESSION_QUERY);
  } catch (error) {
    if (error instanceof AuthError) {
      signOut(`The hub refused this token (${error.message}).`);
    } else {
      showSignedIn(false);
      say(byId("login-error"), `The hub could not answer: ${error.message}`);
    }
    return;
  }
  state.me = session.me;
  state.reports = session.reports;
  state.years = yearsOf(session.kpiValues);
  const { name, role, entity } = state.me;
  byId("who").textContent = `${name} (${role}${entity ? `, ${entity}` : ""})`;
  showPages(role);
  byId("audience").textContent = audienceNote();
  const select = clear(byId("period"));
  for (const year of state.years) {
    select.append(new Option(year, year));
  }
  showSignedIn(true);
  if (state.years.length === 0) {
    say(byId("error"), "There are no figures you may read yet.");
    return;
  }
  await loadYear(state.years[0]);
}

// Signed in with the session: the user's other pages, and signing out ends the session.
function showPages(role) {
  const links = usesSession() ? pagesFor(role).filter((page) => page.path !== "/") : [];
  clear(byId("pages").querySelector("ul")).append(
    ...links.map((page) => h("li", {}, h("a", { href: page.path }, page.label))),
  );
  byId("pages").hidden = links.length === 0;
  byId("logout").textContent = usesSession() ? "Sign out" : "Log out";
}

function chartWidth(container) {
  const width = container.clientWidth || 640;
  return Math.max(280, Math.min(760, Math.round(width)));
}

function renderTable() {
  if (state.comparison === null) {
    return;
  }
  renderNetworkTable(byId("network-table"), new YearView(state.comparison, state.year),
    state.drafts, state.flags, WIDE.matches ? REPORT_COLUMNS : BOARD_FIRST_COLUMNS);
}

function renderCharts() {
  if (state.comparison === null) {
    return;
  }
  const view = new YearView(state.comparison, state.year);
  const items = turnoverItems(view);
  const bars = byId("bar-chart");
  clear(bars).append(barChart({
    id: "turnover-bars",
    title: `Turnover by country, ${state.year} (EUR)`,
    description: items.map((item) => `${item.label}: ${item.text} EUR`).join("; "),
    axisTitle: `Turnover ${state.year} (EUR)`,
    unit: "EUR",
    items,
    width: chartWidth(bars),
  }));
  renderBarTable(byId("bar-table"), state.year, items);

  const trend = turnoverTrend(state.comparison);
  const lines = byId("trend-chart");
  clear(lines).append(lineChart({
    id: "turnover-trend",
    title: `Turnover per country, ${trend.periods[0]}\u2013${trend.periods.at(-1)} (EUR)`,
    description: trend.series
      .map((line) => `${line.label}: ${trend.periods.map((p, i) => `${p} ${line.texts[i]}`)
        .join(", ")}`)
      .join("; "),
    periods: trend.periods,
    series: trend.series,
    yTitle: "Turnover (EUR)",
    xTitle: "Year",
    unit: "EUR",
    width: chartWidth(lines),
    log: true,
  }));
  renderTrendTable(byId("trend-table"), trend);
}

function sectionError(container, what, reason) {
  clear(container).append(`${what} could not be loaded: ${reason.message}`);
  container.classList.add("error");
}

async function loadYear(year) {
  state.year = year;
  byId("period").value = year;
  for (const element of document.querySelectorAll(".year")) {
    element.textContent = year;
  }
  byId("dashboard").setAttribute("aria-busy", "true");
  say(byId("status"), `Loading ${year}\u2026`);
  resetBoardPack(byId("board-pack-note"));
  say(byId("error"), "");
  const answers = await Promise.allSettled([
    graphql(COMPARISON_QUERY, { periods: yearSpan(year), kpis: KPIS }),
    graphql(BREAK_EVEN_QUERY, { asOf: Number(year) }),
    graphql(PROGRAMMES_QUERY),
    graphql(NODES_QUERY),
  ]);
  if (state.year !== year) {
    return; // another year was chosen meanwhile
  }
  byId("dashboard").removeAttribute("aria-busy");
  say(byId("status"), "");
  if (answers.some((a) => a.status === "rejected" && a.reason instanceof AuthError)) {
    signOut("The hub no longer accepts your token (HTTP 401): sign in again.");
    return;
  }
  const [comparison, breakEven, programmes, nodes] = answers;
  // Nothing waits for a node: without its status the table is shown without flags.
  const flags = nodes.status === "fulfilled" ? staleFlags(nodes.value.federationStatus) : new Map();
  if (comparison.status === "fulfilled") {
    Object.assign(state, {
      comparison: comparison.value.comparison, drafts: unpublished(year), flags,
    });
    renderTable();
    byId("network-table").setAttribute("data-year", year);
    renderCharts();
  } else {
    state.comparison = null;
    say(byId("error"), `The comparison could not be loaded: ${comparison.reason.message}`);
  }
  for (const id of ["break-even-body", "programmes-body"]) {
    byId(id).classList.remove("error");
  }
  const countries = new Map((state.comparison?.entities ?? []).map((e) => [e.code, e.country]));
  if (breakEven.status === "fulfilled") {
    renderBreakEven(byId("break-even-body"), breakEven.value.breakEven, countries);
  } else {
    sectionError(byId("break-even-body"), "The break-even monitor", breakEven.reason);
  }
  if (programmes.status === "fulfilled") {
    renderProgrammes(byId("programmes-body"), programmes.value.investmentProgrammes, countries);
  } else {
    sectionError(byId("programmes-body"), "The investment programmes", programmes.reason);
  }
}

function debounce(action, milliseconds) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(action, milliseconds);
  };
}

byId("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = byId("token").value.trim();
  byId("token").value = "";
  if (token) {
    setToken(token);
    start();
  }
});
byId("logout").addEventListener("click", () => {
  if (usesSession()) {
    byId("logout").disabled = true;
    endSession();
  } else {
    signOut();
  }
});
byId("period").addEventListener("change", (event) => loadYear(event.target.value));
wireBoardPack(byId("board-pack"), byId("board-pack-note"), {
  year: () => state.year,
  signedOut: () => signOut("The hub no longer accepts your token (HTTP 401): sign in again."),
});
WIDE.addEventListener("change", renderTable);
let lastWidth = window.innerWidth;
window.addEventListener("resize", debounce(() => {
  if (window.innerWidth !== lastWidth) {
    lastWidth = window.innerWidth;
    renderCharts();
  }
}, 150));

// A token typed in this tab wins; else the session, if the browser has one.
async function boot() {
  if (getToken()) {
    start();
    return;
  }
  let user = null;
  try {
    user = await me();
  } catch {
    user = null; // the hub could not say: the token form stays
  }
  if (user === null) {
    showSignedIn(false);
    return;
  }
  useSession();
  start();
}

boot();
