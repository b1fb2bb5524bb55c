// What a person is in the middle of doing on the board: typing in a cell, a form half filled in,
// an open <details>, the caret. A push re-renders whole sections; this module says whether a
// section is busy and keeps that state across a re-rendering, so a push never wipes it.

/** Someone is typing in a cell of `section`, or their save of it is on its way. */
export function busy(section) {
  const active = document.activeElement;
  const typing = active && section.contains(active) && active.dataset.dirty === "1";
  return typing || Boolean(section.querySelector("[data-cell] .htmx-request, [data-cell].htmx-request"));
}

/** What someone is in the middle of doing in `section`, for `restoreState` after a push. */
export function keepState(section) {
  const kept = { fields: {}, open: [], focus: null };
  section.querySelectorAll("textarea[id], input[id], select[id]").forEach((field) => {
    // Text being sent (or waiting to be resent) is about to be on the board: don't keep it.
    if (field.form && (field.form.classList.contains("htmx-request") || field.form.dataset.sending)) { return; }
    if (field.type === "radio" || field.type === "checkbox") {
      // A choice made in a form being filled in (say, "Female") survives the push.
      if (field.closest("[data-reset]") && field.checked !== field.defaultChecked) {
        kept.fields[field.id] = { checked: field.checked, base: null };
      }
      return;
    }
    if (field.dataset.dirty === "1" || (field.closest("[data-reset]") && field.value)) {
      const base = field.form && field.form.querySelector('[name="base_version"]');
      kept.fields[field.id] = { value: field.value, base: base ? base.value : null };
    }
  });
  section.querySelectorAll("details[open]").forEach((details) => {
    const owner = details.parentElement.closest("[id]");
    if (owner) { kept.open.push(owner.id + " " + details.className); }
  });
  const active = document.activeElement;
  if (active && active.id && section.contains(active)) {
    kept.focus = { id: active.id, start: active.selectionStart, end: active.selectionEnd };
  }
  return kept;
}

/** Put back in the fresh `section` what `keepState` kept of the old one. */
export function restoreState(section, kept) {
  for (const id of Object.keys(kept.fields)) {
    const field = section.querySelector("#" + CSS.escape(id));
    if (!field) { continue; }
    if ("checked" in kept.fields[id]) { field.checked = kept.fields[id].checked; continue; }
    field.value = kept.fields[id].value;
    field.dataset.dirty = "1";
    const base = field.form && field.form.querySelector('[name="base_version"]');
    // Keep the version the person started from: if someone else saved this cell meanwhile,
    // the server reports a conflict instead of silently overwriting their words.
    if (base && kept.fields[id].base !== null) { base.value = kept.fields[id].base; }
  }
  for (const key of kept.open) {
    const parts = key.split(" ");
    const owner = section.id === parts[0] ? section : section.querySelector("#" + CSS.escape(parts[0]));
    const details = owner && owner.querySelector("details." + parts.slice(1).join("."));
    if (details) { details.open = true; }
  }
  if (kept.focus) {
    const focused = section.querySelector("#" + CSS.escape(kept.focus.id));
    if (focused) {
      focused.focus();
      try { focused.setSelectionRange(kept.focus.start, kept.focus.end); } catch (e) { /* selects */ }
    }
  }
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
