// Where focus goes when what a person was using is replaced: by the answer to their own action
// (rating, adding a person, delete, Let in, lock, make confidential, share) or by a push. The
// same control when it is still there (same id, or the same form's same button), else their
// quick-add field, else the item's first control, else the section's message or heading; never
// <body>, where a keyboard or screen reader user would have to start the page again.

let last = null;  // what was focused last: { element, key }

// What identifies `element` across a re-rendering of its section.
function keyOf(element) {
  const form = element.form || element.closest("form");
  const item = element.closest("li[id], tr[id], article[id]");
  // Its section, or the section its form answers with (the console's "Let in" banner is in none).
  const section = element.closest("[id^='section-'], #who-i-am, #my-agreement, .board-status");
  const target = form ? (form.getAttribute("hx-target") || "") : "";
  const answeredIn = target.indexOf("#section-") === 0 ? target.slice(1) : "";
  return {
    id: element.id || "",
    action: form ? (form.getAttribute("hx-post") || form.getAttribute("action") || "") : "",
    name: element.getAttribute("name") || "",
    value: element.getAttribute("value") || "",
    quickAdd: Boolean(form && form.hasAttribute("data-reset")),
    folded: Boolean(element.closest("details")),  // used inside a fold (the person had opened)
    item: item ? item.id : "",
    section: (section && section.id) || answeredIn,
  };
}

function byId(id) {
  return id ? document.getElementById(id) : null;
}

// A control that turns into its opposite once used ("Make confidential" / "Share with everyone"):
// the same place on the page, posting to the other step.
const OPPOSITES = { confidential: "share", share: "confidential" };

function formsPostingTo(action) {
  return Array.from(document.querySelectorAll("form")).filter((form) =>
    (form.getAttribute("hx-post") || form.getAttribute("action") || "") === action);
}

// The control the key names, as the page is now.
function sameControl(key) {
  const byOwnId = byId(key.id);
  if (byOwnId) { return byOwnId; }
  if (!key.action) { return null; }
  const step = key.action.split("/").pop();
  if (OPPOSITES[step]) {
    const [other] = formsPostingTo(key.action.replace(/[^/]+$/, OPPOSITES[step]));
    if (other && other.querySelector("button")) { return other.querySelector("button"); }
  }
  const forms = formsPostingTo(key.action);
  for (const form of forms) {
    if (key.quickAdd) {
      const field = form.querySelector("textarea, input:not([type='hidden']), select");
      if (field) { return field; }
    }
    const controls = Array.from(form.querySelectorAll("button, input:not([type='hidden']), select, textarea"));
    const same = controls.find((control) => (control.getAttribute("name") || "") === key.name &&
      (control.getAttribute("value") || "") === key.value);
    if (same) { return same; }
  }
  return null;
}

// A place in the section to land on: its message when it says something, else its heading.
function sectionLanding(key) {
  const name = key.section.replace(/^section-/, "");
  const message = byId("message-" + name);
  if (message && message.textContent.trim()) { return message; }
  const section = byId(key.section);
  const heading = (section && section.querySelector("h1, h2, h3")) || byId("heading-" + name);
  const first = section && section.querySelector("summary, button, a[href], input:not([type='hidden']), textarea, select");
  return heading || first || byId("main");
}

// Whether `element` can take focus now; a control folded away in a <details> that a
// re-rendering closed (say, "Lock sections") is unfolded again, as the person had it.
function usable(element, wasFolded) {
  if (!element || element.disabled) { return false; }
  // Unfold only what the person had unfolded: a form that now sits folded away (a phone's
  // answer, now under "Change your answer") stays folded.
  for (let details = wasFolded ? element.closest("details:not([open])") : null; details;
    details = details.parentElement.closest("details:not([open])")) {
    details.open = true;
  }
  return element.checkVisibility ? element.checkVisibility() : element.getClientRects().length > 0;
}

function landing(key) {
  const control = sameControl(key);
  if (usable(control, key.folded)) { return control; }
  const item = byId(key.item);
  const first = item && item.querySelector("summary, button, a[href], input:not([type='hidden']), textarea, select");
  if (first) { return first; }
  return sectionLanding(key);
}

/** If what had focus was replaced (so focus fell to <body>), put it somewhere sensible. */
// Whether what had focus is gone from the person's reach: taken out, or folded away (an Edit
// form closed by its own answer), which drops the browser's focus to <body> too.
function gone(element) {
  if (!element.isConnected) { return true; }
  return element.checkVisibility ? !element.checkVisibility() : element.getClientRects().length === 0;
}

export function restoreFocus() {
  if (!last || !gone(last.element)) { return; }
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected) { return; }
  const target = landing(last.key);
  if (!target) { return; }
  if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
  target.focus({ preventScroll: !target.matches("h1, h2, h3, .section-message, main") });
  last = { element: target, key: keyOf(target) };
}

// A phone folds an empty quick-add box when focus leaves it; folding it between the press and the
// release of a tap on the control below would move that control away from under the finger, and
// the tap would be lost. The box stays open until the tap is done.
function holdQuickAddsThroughTaps() {
  document.addEventListener("pointerdown", () => {
    document.querySelectorAll(".quick-add:focus-within").forEach((form) => { form.classList.add("held-open"); });
  }, true);
  const release = () => {
    setTimeout(() => {
      document.querySelectorAll(".quick-add.held-open").forEach((form) => { form.classList.remove("held-open"); });
    }, 0);
  };
  document.addEventListener("click", release, true);
  document.addEventListener("pointercancel", release, true);
}

/** Follow focus, and put it back after each swap that took the focused control away. */
export function keepFocus() {
  holdQuickAddsThroughTaps();
  document.addEventListener("focusin", (event) => {
    if (event.target instanceof Element && event.target !== document.body) {
      last = { element: event.target, key: keyOf(event.target) };
    }
  });
  // Clicking a button does not focus it in every browser: remember the form's button pressed
  // (a form sent, not a fold loading its form or a poll: those are nobody's place to return to).
  document.addEventListener("htmx:beforeRequest", (event) => {
    const active = document.activeElement;
    const elt = event.detail.elt;
    if ((!active || active === document.body) && elt && elt.matches("form")) {
      const control = elt.querySelector("button");
      if (control) { last = { element: control, key: keyOf(control) }; }
    }
  });
  document.addEventListener("htmx:afterSettle", () => { setTimeout(restoreFocus, 0); });
  document.addEventListener("fttm:replaced", () => { setTimeout(restoreFocus, 0); });
  // Whatever else takes the focused control away (a push held while someone typed and put in
  // when they left, a form carried into a new rendering): put focus back once it is done.
  let pending = false;
  new MutationObserver(() => {
    if (pending || !last || !gone(last.element)) { return; }
    pending = true;
    setTimeout(() => { pending = false; restoreFocus(); }, 0);
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["open", "hidden"] });
}
