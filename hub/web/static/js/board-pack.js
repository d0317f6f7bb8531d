// The board pack of the year shown, the workbook of GET /api/board/{year}/board-pack.xlsx:
// fetched with the dashboard's own credentials (the bearer token the page holds, or the session
// cookie) and saved through a Blob URL, since a plain link would carry no bearer token. A year
// the hub makes no pack for (none of its figures published) saves nothing: the hub's reason is
// shown beside the button instead.

import { AuthError, download } from "./api.js";
import { h } from "./dom.js";

export function boardPackUrl(year) {
  return `/api/board/${encodeURIComponent(year)}/board-pack.xlsx`;
}

function save({ blob, name }) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function say(note, text, isError = false) {
  note.textContent = text;
  note.hidden = !text;
  note.classList.toggle("error", isError);
}

// `year()`: the year shown; `signedOut(error)`: the hub refused the page's token.
export function wireBoardPack(button, note, { year, signedOut }) {
  button.addEventListener("click", async () => {
    const shown = year();
    if (!shown) return;
    button.disabled = true;
    say(note, `Preparing the ${shown} board pack\u2026`);
    try {
      const file = await download(boardPackUrl(shown), `board-pack-${shown}.xlsx`);
      save(file);
      say(note, `Downloaded ${file.name}.`);
    } catch (error) {
      if (error instanceof AuthError) {
        signedOut(error);
        return;
      }
      say(note, `The ${shown} board pack could not be made: ${error.message}`, true);
    } finally {
      button.disabled = false;
    }
  });
}

// A new year shown: the last download's message no longer applies.
export function resetBoardPack(note) {
  say(note, "");
}
