// The board's answers to its own htmx requests. The server adds private headers to them:
//   X-Board-Seq      the board's sequence number the answer was rendered at (every answer);
//   X-Board-Item     an item answered alone: its element id (htmx swaps nothing, HX-Reswap: none);
//   X-Board-Section  that item's section, and X-Board-List the list a new item goes into.
// An answer is put in like a push of the same change, so it never replaces a newer rendering.

import { markMine, showEditors } from "./marks.js";
import { applyHeld, dropHeld } from "./merge.js";
import { isOlderThanShown, noteSectionSeq, noteSeq, reapplyItems, takeItem } from "./pushes.js";
import { settle } from "./retries.js";
import { reconnectAfterSave } from "./socket.js";

function boardSeq(xhr) {
  return parseInt(xhr.getResponseHeader("X-Board-Seq") || "", 10);
}

/** Handle the board's answers: before the swap, after the request and after the swap. */
export function watchAnswers() {
  document.addEventListener("htmx:afterRequest", afterRequest);
  document.addEventListener("htmx:beforeSwap", beforeSwap);
  document.addEventListener("htmx:afterSwap", afterSwap);
}

function afterRequest(event) {
  const detail = event.detail;
  const xhr = detail.xhr;
  const key = detail.elt.dataset.key;
  if (!xhr || !xhr.status) { return; }  // never reached the server: see htmx:sendError
  settle(key);
  noteSeq(boardSeq(xhr));
  const saved = xhr.status >= 200 && xhr.status < 300;
  // A quick-add form answered with its new item alone (its section stays): empty it. A change
  // sent again after the network came back is sent by htmx.ajax, not by its form: the form is
  // the one that still carries its key.
  const form = detail.elt.matches("form[data-reset]") ? detail.elt
    : (key ? document.querySelector('form[data-reset][data-key="' + CSS.escape(key) + '"]') : null);
  if (saved && xhr.getResponseHeader("X-Board-Item") && form) {
    form.reset();
    delete form.dataset.sending;
  }
  if (saved) { reconnectAfterSave(); }
  setTimeout(applyHeld, 0);
  const target = detail.elt.getAttribute("hx-target") || "";
  if (saved && target.indexOf("#section-") === 0) {
    const message = document.getElementById("message-" + target.slice(9));
    if (message) { message.replaceChildren(); }
  }
}

// The sender's own answer was rendered before a push this screen already shows: that push
// holds the change too (it was made after it), so the older answer must not replace it.
function beforeSwap(event) {
  const xhr = event.detail.xhr;
  const target = event.detail.target && event.detail.target.id;
  if (!xhr || xhr.status !== 200) { return; }
  const seq = boardSeq(xhr);
  const item = xhr.getResponseHeader("X-Board-Item");
  if (item) {
    // An item answered alone is put in as its push is: in place, or new into its list, and
    // never over a newer rendering of it or of its section.
    event.detail.shouldSwap = false;
    takeItem(seq, {
      id: item,
      section: xhr.getResponseHeader("X-Board-Section"),
      list: xhr.getResponseHeader("X-Board-List") || null,
      html: xhr.responseText
    });
    return;
  }
  if (target && target.indexOf("section-") === 0 && isOlderThanShown(target.slice(8), seq)) {
    event.detail.shouldSwap = false;
  }
}

function afterSwap(event) {
  // The sender's own answer is at least as fresh as a push held back for that section.
  const swapped = event.detail.target && event.detail.target.id;
  if (swapped) { dropHeld(swapped); }
  if (swapped && swapped.indexOf("section-") === 0) {
    noteSectionSeq(swapped.slice(8), boardSeq(event.detail.xhr));
    reapplyItems(swapped.slice(8), boardSeq(event.detail.xhr));
  }
  markMine(event.detail.target.parentElement || document);
  showEditors(document);
  // A refusal is shown above its section: bring it into view if the form was far below.
  const target = event.detail.target;
  if (target.classList && target.classList.contains("section-message") && target.textContent.trim()) {
    const place = target.getBoundingClientRect();
    if (place.top < 0 || place.bottom > window.innerHeight) { target.scrollIntoView({ block: "center" }); }
  }
}
