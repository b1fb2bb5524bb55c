// The agenda's phase (templates/meetings/parts/_phase.html): its timer, and the phone's "go there".
//
// The timer counts from the server's moments in data-* (when the phase and the meeting started)
// against the server's time, not the device's: the page's <body data-server-now> says when the
// server rendered it, which gives this device's offset from the server once, at load. A wall's
// or a phone's wrong clock then does not matter. (Pushed sections carry no time of their own, so
// every screen of an audience is sent the same bytes.) It stays calm when a phase runs over:
// "12 min (10 suggested)", in the same colour as before.
//
// "go there" is a link the person chooses: nothing here ever moves anyone by itself.

import { showSection } from "./nav.js";

let offset = 0;  // server time minus this device's time, in ms

function moment(text) {
  const value = Date.parse(text || "");
  return Number.isNaN(value) ? null : value;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function show(timer) {
  const now = Date.now() + offset;
  const started = moment(timer.dataset.phaseStarted);
  const minutes = parseInt(timer.dataset.minutes || "0", 10);
  const took = timer.querySelector(".phase-took");
  if (took && started !== null && minutes > 0) {
    const spent = Math.max(0, Math.floor((now - started) / 60000));
    const template = spent > minutes ? timer.dataset.textOver : timer.dataset.textWithin;
    const text = fill(template || "", { took: spent, minutes: minutes });
    if (took.textContent !== text) { took.textContent = text; }
  }
  const meetingStarted = moment(timer.dataset.meetingStarted);
  const total = timer.querySelector(".phase-total");
  if (total && meetingStarted !== null) {
    const text = fill(timer.dataset.textTotal || "", { total: Math.max(0, Math.floor((now - meetingStarted) / 60000)) });
    if (total.textContent !== text) { total.textContent = text; }
  }
}

function tick() {
  document.querySelectorAll("[data-phase-timer]").forEach(show);
}

// On a phone (one section at a time), "go there" shows that section, as the section menu would;
// on a wider screen the link scrolls to it by itself.
function goThere(event) {
  const link = event.target.closest && event.target.closest("a[data-go-section]");
  if (!link || !document.body.classList.contains("one-section")) { return; }
  event.preventDefault();
  const name = link.dataset.goSection;
  showSection(name);
  window.history.replaceState(null, "", "#section-" + name);
  window.scrollTo(0, 0);
  const place = document.querySelector("section[aria-labelledby='heading-" + name + "']");
  if (place) {
    if (!place.hasAttribute("tabindex")) { place.setAttribute("tabindex", "-1"); }
    place.focus({ preventScroll: true });
  }
}

/** Keep the phase timers counting, and let "go there" show its section. */
export function watchPhase() {
  const serverNow = moment(document.body.dataset.serverNow);
  if (serverNow !== null) { offset = serverNow - Date.now(); }
  tick();
  window.setInterval(tick, 1000);
  document.addEventListener("fttm:replaced", tick);
  document.addEventListener("htmx:afterSwap", tick);
  document.addEventListener("click", goThere);
}
