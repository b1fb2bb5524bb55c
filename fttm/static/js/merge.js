// Putting pushed HTML in place without losing a person's typing. A push replaces a section or an
// item; when someone is typing in it, the cell they type in is left alone and everything around
// it is updated, or, when the section's shape changed, the push is held until they leave the cell.

import { markMine, showEditors } from "./marks.js";
import { busy, keepState, restoreState, showNotSent } from "./typing.js";
import { applyZoom } from "./zoom.js";

const held = {};  // element id -> { html, done }: a push held back while someone types in it

/** The element that `html` (one element's markup) describes, not yet in the page. */
export function parse(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

// Whether `fresh` has the same shape as `old` along the path down to `keep`.
function aligned(old, fresh, keep) {
  if (old === keep) { return fresh.nodeType === 1 && fresh.dataset.cell === keep.dataset.cell; }
  if (old.nodeType !== 1 || fresh.nodeType !== 1 || old.tagName !== fresh.tagName) { return false; }
  if (old.childNodes.length !== fresh.childNodes.length) { return false; }
  for (let i = 0; i < old.childNodes.length; i++) {
    if (old.childNodes[i].contains(keep)) { return aligned(old.childNodes[i], fresh.childNodes[i], keep); }
  }
  return false;
}

// Bring `old` up to date with `fresh`, leaving the `keep` subtree (the cell being typed in) as it is.
function patchAround(old, fresh, keep) {
  if (old === keep) { return; }
  for (const attr of Array.from(old.attributes)) {
    if (!fresh.hasAttribute(attr.name)) { old.removeAttribute(attr.name); }
  }
  for (const attr of Array.from(fresh.attributes)) {
    if (old.getAttribute(attr.name) !== attr.value) { old.setAttribute(attr.name, attr.value); }
  }
  const freshes = Array.from(fresh.childNodes);
  Array.from(old.childNodes).forEach((child, i) => {
    if (child.contains(keep)) { patchAround(child, freshes[i], keep); } else { child.replaceWith(freshes[i]); }
  });
}

/** Put pushed HTML in place of the element `id` (a section, or an item pushed alone); `done`
 *  runs once it is in. */
export function replaceElement(id, html, done) {
  const old = document.getElementById(id);
  if (!old) { return; }
  // Never pull a cell out from under someone typing in it: removing a focused, edited field
  // makes the browser send its half-typed text. Update everything around that cell instead,
  // or, when the section's shape changed, wait until they leave the cell.
  if (busy(old)) {
    const active = document.activeElement;
    const cellNow = active && active.closest && active.closest("[data-cell]");
    const incoming = parse(html);
    if (cellNow && old.contains(cellNow) && !document.querySelector("[data-cell] .htmx-request") &&
        incoming && aligned(old, incoming, cellNow)) {
      patchAround(old, incoming, cellNow);
      window.htmx.process(old);
      markMine(old);
      showEditors(old);
      if (done) { done(); }
    } else {
      held[id] = { html: html, done: done };
    }
    return;
  }
  const kept = keepState(old);
  const fresh = parse(html);
  if (!fresh) { return; }
  old.replaceWith(fresh);
  markMine(fresh);  // first: a person's own items' controls show only once marked, and focus
  // can go back only to a control that shows. Before htmx reads it: a fold given back its
  // loaded form must not load it again.
  const lost = restoreState(fresh, kept);
  window.htmx.process(fresh);
  showNotSent(fresh, lost);
  applyZoom(fresh);
  showEditors(fresh);
  if (done) { done(); }
}

/** Put in the held pushes whose element nobody is typing in any more. */
export function applyHeld() {
  for (const id of Object.keys(held)) {
    const element = document.getElementById(id);
    if (element && busy(element)) { continue; }
    const push = held[id];
    delete held[id];
    replaceElement(id, push.html, push.done);
  }
}

/** Forget the push held for `id`: the sender's own answer, just swapped in, is at least as fresh. */
export function dropHeld(id) {
  delete held[id];
}
