// What the sections of finance's page share: finding elements, messages in place, figures to
// the cent, dates as people read them, and the hub's field names in the forms' words.

import { MINUS, MISSING, groupThousands, roundDecimal } from "./format.js";

export function $(id) {
  return document.getElementById(id);
}

// A message in its box (role alert or status in the HTML); empty hides the box.
export function say(box, text) {
  box.textContent = text;
  box.hidden = !text;
}

// Money to the cent: "1,234,567.89", "−120.00".
export function formatCents(value) {
  if (value == null) return MISSING;
  const { negative, whole, fraction } = roundDecimal(value, 2);
  return `${negative ? MINUS : ""}${groupThousands(whole)}.${fraction}`;
}

export function day(value) {
  if (!value) return "";
  const [year, month, date] = String(value).slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, date)).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function when(moment) {
  if (!moment) return "";
  return new Date(moment).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export const DATASET_WORDS = { KPI: "KPIs", STATEMENTS: "financial statements" };

// How the hub names an input in a refusal (`reason: …`), as the forms label it.
const FIELD_LABELS = {
  reason: "Reason",
  period: "Period",
  currency: "Currency",
  type: "Rate type",
  rate: "Rate",
  line: "Group line",
  effectiveFrom: "From the period",
  effective_from: "From the period",
  accounts: "Accounts",
  entity: "Entity",
  file: "The ECB's file",
};

// `labels` names a form's own inputs where they differ from the table above.
export function inUserWords(message, labels = {}) {
  const names = { ...FIELD_LABELS, ...labels };
  return message.replace(/(^|; )(\w+): /g, (all, start, field) =>
    names[field] ? `${start}${names[field]}: ` : all,
  );
}

// Runs `work`; a refusal is shown in `box` in the user's words (`labels` as for inUserWords),
// and null is returned.
export async function attempt(box, work, labels = {}) {
  say(box, "");
  try {
    return await work();
  } catch (error) {
    say(box, inUserWords(error.message, labels));
    return null;
  }
}
