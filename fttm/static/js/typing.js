// What a person is in the middle of doing on the board: typing in a cell, a form half filled in,
// an open <details>, the caret. A push re-renders whole sections; this module says whether a
// section is busy and keeps that state across a re-rendering, so a push never wipes it.

import { say } from "./announce.js";

/** Someone is typing in a cell of `section`, or their save of it is on its way. */
export function busy(section) {
  const active = document.activeElement;
  const typing = active && section.contains(active) && active.dataset.dirty === "1";
  return typing || Boolean(section.querySelector("[data-cell] .htmx-request, [data-cell].htmx-request"));
}

// The form a fold loads when opened: its address (kept once the fold holds a carried form).
function formUrl(details) {
  return details.getAttribute("hx-get") || details.dataset.formUrl || "";
}

function sending(form) {
  return form.classList.contains("htmx-request") || Boolean(form.dataset.sending);
}

// Whether a field holds words a person typed (not a choice).
function typed(field) {
  return field.tagName === "TEXTAREA" || field.type === "text";
}

/** What someone is in the middle of doing in `section`, for `restoreState` after a push. */
export function keepState(section) {
  const kept = { fields: {}, open: [], focus: null, forms: [] };
  // An Edit or Change form loaded into its fold is carried over whole into the new rendering:
  // what is typed in it, its caret, and the version it was loaded at (a save based on it is a
  // conflict if someone else saved meanwhile, never a silent overwrite).
  section.querySelectorAll("details.lazy-edit").forEach((details) => {
    const form = details.querySelector(".edit-slot form");
    if (form && !sending(form)) {
      kept.forms.push({ url: formUrl(details), open: details.open, slot: details.querySelector(".edit-slot") });
    }
  });
  section.querySelectorAll("textarea[id], input[id], select[id]").forEach((field) => {
    // Text being sent (or waiting to be resent) is about to be on the board: don't keep it.
    if (field.form && sending(field.form)) { return; }
    if (field.closest("details.lazy-edit .edit-slot")) { return; }  // carried with its form
    if (field.type === "radio" || field.type === "checkbox") {
      // A choice made in a form being filled in (say, "Female") survives the push.
      if (field.closest("[data-reset]") && field.checked !== field.defaultChecked) {
        kept.fields[field.id] = { checked: field.checked, base: null };
      }
      return;
    }
    if (field.dataset.dirty === "1" || (field.closest("[data-reset]") && field.value)) {
      const base = field.form && field.form.querySelector('[name="base_version"]');
      kept.fields[field.id] = { value: field.value, base: base ? base.value : null, words: typed(field) };
    }
  });
  section.querySelectorAll("details[open]").forEach((details) => {
    // A fold that loads a form is known by that form's address (a person's folds share classes).
    if (formUrl(details)) { kept.open.push({ url: formUrl(details) }); return; }
    const owner = details.parentElement.closest("[id]");
    if (owner) { kept.open.push({ owner: owner.id, classes: details.className }); }
  });
  const active = document.activeElement;
  if (active && active.id && section.contains(active)) {
    kept.focus = { id: active.id, start: active.selectionStart, end: active.selectionEnd };
  }
  return kept;
}

// The fold of `section` that loads the form at `url`.
function foldOf(section, url) {
  return Array.from(section.querySelectorAll("details.lazy-edit")).filter((d) => formUrl(d) === url)[0];
}

/** Put back in the fresh `section` what `keepState` kept of the old one (before htmx processes
 *  it); returns the words that have no place in it any more (their form is gone). */
export function restoreState(section, kept) {
  const lost = [];
  for (const carried of kept.forms) {
    const details = foldOf(section, carried.url);
    if (!details) {
      carried.slot.querySelectorAll("textarea, input[type=text]").forEach((field) => {
        if (field.value && field.value !== field.defaultValue) { lost.push(field.value); }
      });
      continue;
    }
    // The form is there already: the fold must not load it again over the person's words.
    details.dataset.formUrl = carried.url;
    details.removeAttribute("hx-get");
    details.removeAttribute("hx-trigger");
    details.querySelector(".edit-slot").replaceWith(carried.slot);
    details.open = carried.open;
  }
  for (const id of Object.keys(kept.fields)) {
    const field = section.querySelector("#" + CSS.escape(id));
    if (!field) {
      if (kept.fields[id].words && kept.fields[id].value) { lost.push(kept.fields[id].value); }
      continue;
    }
    if ("checked" in kept.fields[id]) { field.checked = kept.fields[id].checked; continue; }
    field.value = kept.fields[id].value;
    field.dataset.dirty = "1";
    const base = field.form && field.form.querySelector('[name="base_version"]');
    // Keep the version the person started from: if someone else saved this cell meanwhile,
    // the server reports a conflict instead of silently overwriting their words.
    if (base && kept.fields[id].base !== null) { base.value = kept.fields[id].base; }
  }
  for (const fold of kept.open) {
    if (fold.url) {
      const details = foldOf(section, fold.url);
      if (details) { details.open = true; }
      continue;
    }
    const owner = section.id === fold.owner ? section : section.querySelector("#" + CSS.escape(fold.owner));
    const details = owner && owner.querySelector("details." + fold.classes.trim().split(/\s+/).join("."));
    if (details) { details.open = true; }
  }
  if (kept.focus) {
    const focused = section.querySelector("#" + CSS.escape(kept.focus.id));
    if (focused) {
      focused.focus();
      try { focused.setSelectionRange(kept.focus.start, kept.focus.end); } catch (e) { /* selects */ }
    }
  }
  return lost;
}

/** Words whose form a push took away (the meeting ended, or the section was locked): shown at
 *  the top of `section`, said plainly not to have been sent, ready to copy. */
export function showNotSent(section, words) {
  if (words.length === 0) { return; }
  const texts = document.body.dataset;
  const box = document.createElement("div");
  box.className = "not-sent";
  const why = document.createElement("p");
  why.textContent = section.querySelector(".locked-note") ? texts.textNotSentLocked : texts.textNotSentEnded;
  box.append(why);
  say(why.textContent);  // in the page's one live region: the box itself is not one
  words.forEach((text) => {
    const kept = document.createElement("textarea");
    kept.className = "not-sent-words";
    kept.readOnly = true;
    kept.rows = 3;
    kept.value = text;
    kept.setAttribute("aria-label", texts.textNotSentWords || "");
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "button small secondary";
    copy.textContent = texts.textCopy || "Copy";
    copy.addEventListener("click", () => {
      kept.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(text).catch(() => {}); }
    });
    box.append(kept, copy);
  });
  const heading = section.querySelector("h2");
  if (heading) { heading.after(box); } else { section.prepend(box); }
}

/** Note typing in cells; call `onCell(cell, true|false)` as a person enters or leaves a cell,
 *  and `afterLeaving()` once they left any field (after the cell's own save, if any, started). */
export function watchTyping(onCell, afterLeaving) {
  document.addEventListener("input", (event) => {
    if (event.target.closest && event.target.closest("[data-cell]")) { event.target.dataset.dirty = "1"; }
  });
  const tell = (event, on) => {
    const cell = event.target.closest && event.target.closest("[data-cell]");
    if (cell) { onCell(cell.dataset.cell, on); }
  };
  document.addEventListener("focusin", (event) => { tell(event, true); });
  document.addEventListener("focusout", (event) => {
    tell(event, false);
    setTimeout(afterLeaving, 0);
  });
}

/** A form's fold opened before the scripts came (it shows a link to the form's own page): load
 *  its form in place now, as opening it would have. */
export function loadFoldsOpenedEarly() {
  document.querySelectorAll("details.lazy-edit[open]").forEach((fold) => {
    if (!fold.querySelector(".edit-slot form")) { window.htmx.trigger(fold, "toggle"); }
  });
}
