// Taking the board's changes in order. Every push and every answer to a change carries the
// board's sequence number. Pushes can arrive out of order (two changes rendered at once on a
// server that waits for its database): an older rendering must never replace a newer one, or an
// item vanishes from this screen until the next change. The numbers of what it shows are also
// what a reconnecting screen tells the server, to be sent only what it lacks.

import { markMine, showEditors } from "./marks.js";
import { parse, replaceElement } from "./merge.js";

let lastSeq = 0;  // the newest sequence number this screen has seen
// The number the page was rendered at: what each of its sections holds until one is pushed.
const pageSeq = parseInt(document.body.dataset.seq || "0", 10) || 0;
const sectionSeq = {};  // section -> seq of the newest whole rendering pushed (or held back) there
// The most items pushed alone a catch-up request names (fttm/live/catch_up.py refuses more).
const MOST_HELD_ITEMS = 200;
// An edited item, or a new item of a plain list, is pushed alone. element id -> { seq, id,
// section, list, html } of the newest such push: a section push older than it must not bring
// the item's older text back (or drop the new item), so the item is put in again after it.
const itemPushes = {};

/** Remember `seq` if it is the newest sequence number seen. */
export function noteSeq(seq) {
  if (typeof seq === "number" && seq > lastSeq) { lastSeq = seq; }
}

/** The sender's own answer of a whole section, rendered at `seq`, is shown: the section holds
 *  everything up to that number (a catch-up need not send it again). Never lowered: an older
 *  answer is not swapped in (js/answers.js), and one that was must not count. */
export function noteSectionSeq(section, seq) {
  if (Number.isInteger(seq) && seq > shownSeq(section)) { sectionSeq[section] = seq; }
}

/** Whether a rendering of `section` at `seq` is older than the one on the screen. */
export function isOlderThanShown(section, seq) {
  return seq < shownSeq(section);
}

// The number of the newest whole rendering of `section` on the screen (the page's, at first).
function shownSeq(section) {
  return section in sectionSeq ? sectionSeq[section] : pageSeq;
}

/** What this screen holds, for a catch-up (`board:sync`): the newest number seen, the number of
 *  each section's newest whole rendering, and the items pushed alone since. An item alone does
 *  not stand for its section: the section's other changes may be missing. */
export function heldBoard() {
  const sections = {};
  document.querySelectorAll(".section-body[id^='section-']").forEach((element) => {
    sections[element.id.slice(8)] = shownSeq(element.id.slice(8));
  });
  const items = {};
  Object.values(itemPushes).sort((a, b) => b.seq - a.seq).slice(0, MOST_HELD_ITEMS)
    .forEach((item) => { items[item.id] = item.seq; });
  // An answer's item is taken before its number is noted: the newest seen is at least each.
  const since = Math.max(lastSeq, ...Object.values(sections), ...Object.values(items));
  return { since: since, sections: sections, items: items };
}

/** A board:update push: its sections, unless newer ones are shown, then its items alone. */
export function takeUpdate(message) {
  noteSeq(message.seq);
  for (const name of Object.keys(message.sections || {})) {
    if (typeof message.seq === "number") {
      if (isOlderThanShown(name, message.seq)) { continue; }
      sectionSeq[name] = message.seq;
    }
    replaceSection(name, message.sections[name], message.seq);
  }
  (message.items || []).forEach((item) => { takeItem(message.seq, item); });
  // The meeting's state may have changed (the status bar came with the push): a phone's own
  // "who I am" corner, outside the sections, offers its form only while the meeting runs.
  if (message.sections && message.sections.status) { refreshWhoIAm(); }
  replaced();
}

// Tell js/focus.js that parts of the page were replaced (the focused control may be gone).
function replaced() {
  document.dispatchEvent(new CustomEvent("fttm:replaced"));
}

// Ask the server again for the phone's "who I am" corner, if it was loaded (shown once).
function refreshWhoIAm() {
  const corner = document.getElementById("who-i-am");
  if (corner && corner.childElementCount > 0) { window.htmx.trigger(corner, "refresh"); }
}

function replaceSection(name, html, seq) {
  replaceElement("section-" + name, html, () => { reapplyItems(name, seq); });
}

/** A section at `seq` is in: put back the items of it pushed alone since. */
export function reapplyItems(name, seq) {
  for (const id of Object.keys(itemPushes)) {
    const item = itemPushes[id];
    if (item.section !== name) { continue; }
    if (typeof seq === "number" && item.seq > seq) { putItem(item); } else { delete itemPushes[id]; }
  }
}

// An item in place of itself or, when this screen does not show it yet, added to its list in
// the order of the items' numbers (the order they were added in).
function putItem(item) {
  if (document.getElementById(item.id)) { replaceElement(item.id, item.html); return; }
  const list = item.list && document.getElementById(item.list);
  const fresh = list && parse(item.html);
  if (!fresh) { return; }
  const number = (element) => parseInt(element.id.split("-").pop(), 10);
  const later = Array.from(list.children).filter((child) => child.id && number(child) > number(fresh))[0];
  list.querySelectorAll(":scope > .empty-item").forEach((empty) => { empty.remove(); });
  list.insertBefore(fresh, later || null);
  window.htmx.process(fresh);
  markMine(fresh);
  showEditors(fresh);
}

/** An item alone at `seq` (`{ id, section, list, html }`), from a push or the sender's answer:
 *  put in, unless its section or the item itself is shown newer already. */
export function takeItem(seq, item) {
  if (isOlderThanShown(item.section, seq)) { return; }
  if (itemPushes[item.id] && seq < itemPushes[item.id].seq) { return; }
  itemPushes[item.id] = { seq: seq, id: item.id, section: item.section, list: item.list, html: item.html };
  putItem(itemPushes[item.id]);
  replaced();
}
