// Switching language reloads the page in the other language (the switch is a plain form posted
// to /language). What the person had typed and not yet sent goes over the reload with it, kept
// in sessionStorage, and comes back into the same forms, their folds open again: an edit form
// keeps the version it was opened at, so a change someone else saved meanwhile is a conflict,
// not an overwrite. Their words are never translated.

const KEPT = "fttm-typed-over-language";
const WORDS = "textarea, input[type=text], input[type=search], input:not([type])";

// The address a form sends to: what tells the same form apart on the page in the other language.
function target(form) {
  return form.getAttribute("hx-post") || form.getAttribute("action") || "";
}

// The URL a lazily loaded edit form comes from, when `form` is one.
function foldUrl(form) {
  const fold = form.closest("details.lazy-edit");
  return fold ? (fold.getAttribute("hx-get") || fold.dataset.formUrl || "") : "";
}

// Every form with words typed in it: its address, its fold, and all its fields but the token.
function typed() {
  const kept = [];
  document.querySelectorAll("form").forEach((form) => {
    if (form.classList.contains("language-switch")) { return; }
    const changed = Array.from(form.querySelectorAll(WORDS)).some(
      (field) => field.name && field.value !== field.defaultValue);
    if (!changed) { return; }
    const fields = {};
    Array.from(form.elements).forEach((field) => {
      if (!field.name || field.name === "csrf_token" || field.type === "submit") { return; }
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) { fields[field.name] = field.value; }
        return;
      }
      fields[field.name] = field.value;
    });
    kept.push({ action: target(form), fold: foldUrl(form), fields });
  });
  return kept;
}

function fill(form, entry) {
  Object.entries(entry.fields).forEach(([name, value]) => {
    const field = form.elements.namedItem(name);
    if (!field) { return; }
    if (field instanceof RadioNodeList || field.type === "radio" || field.type === "checkbox") {
      form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((one) => {
        one.checked = one.value === value;
      });
      return;
    }
    field.value = value;
    if (field.matches(WORDS)) { field.dataset.dirty = "1"; }
  });
  for (let fold = form.closest("details"); fold; fold = fold.parentElement.closest("details")) {
    fold.open = true;
  }
}

function putBack(entry) {
  const form = Array.from(document.querySelectorAll("form")).find((one) => target(one) === entry.action);
  if (form) { fill(form, entry); return; }
  if (!entry.fold) { return; }
  // An edit form loaded when its fold opens: open it, and fill it once it is in.
  const fold = Array.from(document.querySelectorAll("details.lazy-edit")).find(
    (one) => (one.getAttribute("hx-get") || one.dataset.formUrl) === entry.fold);
  if (!fold) { return; }
  fold.addEventListener("htmx:afterSettle", () => {
    const loaded = fold.querySelector("form");
    if (loaded) { fill(loaded, entry); }
  }, { once: true });
  fold.open = true;
}

/** Before the switch's form goes: keep what is typed, and come back to the same place. */
export function keepTypedOverLanguage() {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("language-switch")) { return; }
    const kept = typed();
    if (kept.length) { sessionStorage.setItem(KEPT, JSON.stringify(kept)); }
    // Back to this very page, at the same place.
    let next = form.querySelector("input[name=next]");
    if (!next) {
      next = document.createElement("input");
      next.type = "hidden";
      next.name = "next";
      form.append(next);
    }
    next.value = location.pathname + location.search + location.hash;
  }, true);
}

/** Once the page is in, in its new language: put back what was typed before the switch. */
export function putBackTyped() {
  const raw = sessionStorage.getItem(KEPT);
  if (!raw) { return; }
  sessionStorage.removeItem(KEPT);
  let kept = [];
  try { kept = JSON.parse(raw); } catch (error) { return; }
  if (Array.isArray(kept)) { kept.forEach(putBack); }
}
