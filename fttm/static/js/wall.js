// The wall (what is projected) and the console's steering of it. The wall brings into focus what
// the facilitator chose on the console: the whole board or one section; with the family map, the
// genogram or the ecomap fills the wall, zoomed and panned from the console. Consoles learn who is
// waiting, and whether a wall window is open (a console that has not chosen whether to present
// then follows the default: presenting while no wall is open).

import { isConsole, isWall } from "./room.js";

const body = document.body;

/** What the wall shows now: `{ focus, drawing, zoom, x, y, language }`. */
export function showView(view) {
  if (!view || typeof view.focus !== "string") { return; }
  if (isWall()) {
    // The facilitator chose another language for the room: the wall comes back in it.
    if (view.language && body.dataset.language && view.language !== body.dataset.language) {
      window.location.reload();
      return;
    }
    body.dataset.focus = view.focus;
    markFocus(view.focus);
    body.dataset.drawing = view.drawing;
    body.dataset.zoom = String(view.zoom);
    body.dataset.x = String(view.x);
    body.dataset.y = String(view.y);
    const title = document.getElementById("wall-focus-title");
    if (title) {
      const key = view.focus === "overview" ? "overview" : "title" + view.focus.split("_").map(
        (word) => word.charAt(0).toUpperCase() + word.slice(1)).join("");
      title.textContent = title.dataset[key] || title.dataset.overview;
    }
    const holder = document.getElementById("wall-drawing");
    if (holder && holder.dataset.drawing !== view.drawing) { loadDrawing(view.drawing); }
    fitDrawing();
    fitFocus();
  } else if (isConsole()) {
    markSteering(view);
  }
}

// A co-facilitator's console shows what the wall shows now.
function markSteering(view) {
  const panel = document.getElementById("wall-steering");
  if (!panel) { return; }
  panel.dataset.focus = view.focus;
  panel.querySelectorAll("button[name=focus]").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.value === view.focus));
  });
  panel.querySelectorAll("button[name=drawing]").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.value === view.drawing));
  });
  const drawing = panel.querySelector(".steer-drawing");
  if (drawing) { drawing.hidden = view.focus !== "family_map"; }
}

/** The wall's drawing of the family map fills the wall: fitted, then zoomed and panned as
 *  steered. (The server draws it for the wall, its names large enough to read from the back.) */
export function fitDrawing() {
  const svg = document.querySelector("#wall-drawing svg");
  if (!svg) { return; }
  if (!svg.dataset.viewBox) { svg.dataset.viewBox = svg.getAttribute("viewBox") || ""; }
  const box = svg.dataset.viewBox.split(/[\s,]+/).map(parseFloat);
  if (box.length !== 4 || box.some(isNaN)) { return; }
  const zoom = (parseFloat(body.dataset.zoom) || 100) / 100;
  const panX = (parseFloat(body.dataset.x) || 0) / 100;
  const panY = (parseFloat(body.dataset.y) || 0) / 100;
  const [x, y, width, height] = box;
  const shownWidth = width / zoom;
  const shownHeight = height / zoom;
  const centreX = x + width / 2 + panX * width;
  const centreY = y + height / 2 + panY * height;
  svg.setAttribute("viewBox", [centreX - shownWidth / 2, centreY - shownHeight / 2, shownWidth, shownHeight]
    .map((n) => Math.round(n * 10) / 10).join(" "));
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  svg.removeAttribute("width");
  svg.removeAttribute("height");
}

/** Mark the board's section in focus (each framework names its own sections). */
function markFocus(focus) {
  document.querySelectorAll(".board-section").forEach((section) => {
    section.classList.toggle("in-focus", section.classList.contains("area-" + focus));
  });
}

const LARGEST_PX = 30;  // a section in focus starts this large,
const SMALLEST_PX = 24;  // and shrinks to fit, never below what reads from the back of the room

/** The section in focus fits the wall without scrolling: its type shrinks (not below 24px)
 *  until it fits; what still does not fit is cut off at the wall's bottom edge. */
export function fitFocus() {
  if (!isWall()) { return; }
  document.querySelectorAll(".board-section").forEach((section) => { section.style.removeProperty("font-size"); });
  const focus = body.dataset.focus;
  if (!focus || focus === "overview" || focus === "family_map") { return; }
  const section = document.querySelector(".board-section.area-" + focus);
  if (!section) { return; }
  const room = () => window.innerHeight - section.getBoundingClientRect().top - 8;
  for (let size = LARGEST_PX; size >= SMALLEST_PX; size -= 1) {
    section.style.fontSize = size + "px";
    if (section.scrollHeight <= room()) { break; }
  }
  section.style.maxHeight = Math.max(room(), 0) + "px";
}

let loading = null;  // the drawing being fetched, so a burst of pushes fetches it once

// Fetch the wall's drawing of the genogram or the ecomap, as the room may see it now.
function loadDrawing(which) {
  const holder = document.getElementById("wall-drawing");
  if (!holder || !/^(genogram|ecomap)$/.test(which)) { return; }
  clearTimeout(loading);
  loading = setTimeout(() => {
    fetch(holder.dataset.url.replace("{which}", which), {
      headers: { "FTTM-Screen": "room" }, credentials: "same-origin",
    }).then((answer) => (answer.ok ? answer.text() : null)).then((svg) => {
      if (svg === null) { return; }
      holder.innerHTML = svg;  // the server's own rendering, as every push
      holder.dataset.drawing = which;
      fitDrawing();
    }).catch(() => { /* the next push or reconnect fetches it again */ });
  }, 150);
}

/** The join panel on the wall, while joining is open and not hidden (empty otherwise). */
export function showJoin(message) {
  const box = document.getElementById("wall-join");
  if (box && message && typeof message.html === "string") {
    box.innerHTML = message.html;  // the server's own rendering, as every push
  }
}

/** The console's banner of who is waiting. */
export function showWaiting(message) {
  const old = document.getElementById("waiting-banner");
  if (!old || !message || typeof message.html !== "string") { return; }
  const holder = document.createElement("div");
  holder.innerHTML = message.html.trim();
  const fresh = holder.firstElementChild;
  if (!fresh) { return; }
  if (old.contains(document.activeElement) && fresh.querySelector("form")) { return; }
  old.replaceWith(fresh);
  window.htmx.process(fresh);
}

/** A wall window opened or closed: a console that follows the default may now show otherwise. */
export function followWallPresence(message) {
  if (!isConsole() || body.dataset.presentingChosen === "1" || !message) { return; }
  const presenting = body.dataset.screen === "presenting";
  const shouldPresent = !message.open && body.dataset.liveMeeting === "1";
  if (presenting !== shouldPresent) { window.location.reload(); }
}

/** On the wall, keep the drawing fitted when the window changes size, and redraw it when the
 *  family map changes (a push replaced its section). */
export function watchWall() {
  if (!isWall()) { return; }
  window.addEventListener("resize", fitDrawing);
  const map = document.querySelector(".area-family_map");
  const holder = document.getElementById("wall-drawing");
  if (map && holder) {
    new MutationObserver(() => { loadDrawing(holder.dataset.drawing); })
      .observe(map, { childList: true, subtree: true });
  }
  const grid = document.querySelector(".board-grid");
  let fitting = null;
  if (grid) {
    new MutationObserver(() => { clearTimeout(fitting); fitting = setTimeout(fitFocus, 100); })
      .observe(grid, { childList: true, subtree: true });
  }
  window.addEventListener("resize", fitFocus);
  fitDrawing();
  fitFocus();
}
