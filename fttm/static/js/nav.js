// The board's section navigation (templates/board/parts/section_nav.html): the section in view is
// marked (aria-current, .is-current, and named on the phone's "Sections" button), a chosen
// section gets the focus, below the sticky bar, and the phone's menu folds away once used. On a
// wider screen the menu is open, as a bar of links. Sections are found by their stable wrappers
// (<section aria-labelledby="heading-<name>">), which pushes never replace.
//
// A phone shows one section at a time (body.one-section, the shown wrapper .is-shown): the one
// chosen in the menu, or named in the address (#section-<name>), or else the first. Nine
// sections one under the other made a 9,000 px page; one at a time, each is two taps away.

const PHONE = window.matchMedia("(max-width: 40rem)");
let chosen = null;  // the section picked in the menu, kept marked while it is still in view
let pending = false;  // a re-check of the section in view is already waiting for a frame

function wrappers() {
  return Array.from(document.querySelectorAll("section.board-section[aria-labelledby^='heading-']"));
}

function nameOf(wrapper) {
  return wrapper.getAttribute("aria-labelledby").slice("heading-".length);
}

// How far down the sticky bar reaches: what is under it is not in view.
function barBottom() {
  const bar = document.querySelector(".board-bar");
  return bar ? Math.max(0, bar.getBoundingClientRect().bottom) : 0;
}

// The section a reader is looking at: the one across a line a third of the way down the
// screen below the bar, or the last one once the page is scrolled to its end.
function sectionInView() {
  const all = wrappers();
  if (!all.length) { return null; }
  if (document.body.classList.contains("one-section")) { return shownSection(); }
  const top = barBottom();
  if (chosen) {
    const place = document.querySelector("section[aria-labelledby='heading-" + chosen + "']");
    const box = place && place.getBoundingClientRect();
    if (box && box.bottom > top && box.top < window.innerHeight) { return chosen; }
    chosen = null;
  }
  const line = top + (window.innerHeight - top) / 3;
  let current = nameOf(all[0]);
  for (const wrapper of all) {
    if (wrapper.getBoundingClientRect().top <= line) { current = nameOf(wrapper); }
  }
  const atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
  return atEnd && window.scrollY > 0 ? nameOf(all[all.length - 1]) : current;
}

/** Mark `name` as the section in view, in the menu and on its button. */
export function markSection(name) {
  const menu = document.getElementById("section-nav");
  if (!menu || !name) { return; }
  for (const link of menu.querySelectorAll("a[data-section]")) {
    const here = link.dataset.section === name;
    link.classList.toggle("is-current", here);
    if (here) { link.setAttribute("aria-current", "true"); } else { link.removeAttribute("aria-current"); }
    if (here) { menu.querySelector("[data-nav-current]").textContent = link.textContent; }
  }
}

function recheck() {
  if (pending) { return; }
  pending = true;
  window.requestAnimationFrame(() => {
    pending = false;
    markSection(sectionInView());
  });
}

// Keep the browser's own scrolling to a section (a link, the focus) clear of the sticky bar.
function clearOfBar() {
  const bar = document.querySelector(".board-bar");
  const height = bar ? Math.ceil(bar.getBoundingClientRect().height) : 0;
  document.documentElement.style.setProperty("--board-bar-height", height + "px");
}

// Focus moved onto a control that the sticky bar or the phone's Sections bar covers, even in part
// (the browser does not scroll for a control it sees partly): scroll it clear of both; "nearest"
// keeps the page's scroll-padding, which is the bars' height.
function keepFocusInSight(event) {
  const target = event.target;
  if (!(target instanceof Element) || !target.getBoundingClientRect) { return; }
  const box = target.getBoundingClientRect();
  const covered = Array.from(document.querySelectorAll(".board-bar, #section-nav")).some((bar) => {
    const position = getComputedStyle(bar).position;
    if (bar.contains(target) || target.contains(bar) || (position !== "sticky" && position !== "fixed")) { return false; }
    const edge = bar.getBoundingClientRect();
    return edge.height > 0 && box.top < edge.bottom && box.bottom > edge.top;
  });
  if (covered) { target.scrollIntoView({ block: "nearest" }); }
}

// The section a phone shows now.
function shownSection() {
  const shown = document.querySelector("section.board-section.is-shown");
  return shown ? nameOf(shown) : null;
}

// The section named in the address (#section-<name>), if it is one of the board's.
function sectionInAddress() {
  const name = window.location.hash.replace(/^#section-/, "");
  return wrappers().some((wrapper) => nameOf(wrapper) === name) ? name : null;
}

/** On a phone, show the section `name` alone (on a wider screen every section shows). */
export function showSection(name) {
  const all = wrappers();
  const one = PHONE.matches && all.length > 0;
  document.body.classList.toggle("one-section", one);
  if (!one) {
    all.forEach((wrapper) => { wrapper.classList.remove("is-shown"); });
    return;
  }
  const wanted = all.some((wrapper) => nameOf(wrapper) === name) ? name : nameOf(all[0]);
  all.forEach((wrapper) => { wrapper.classList.toggle("is-shown", nameOf(wrapper) === wanted); });
  markSection(wanted);
}

// Open as a bar on a wide screen; folded into its "Sections" button on a phone, which shows one
// section at a time.
function fitScreen(menu) {
  menu.open = !PHONE.matches;
  showSection(shownSection() || sectionInAddress());
  clearOfBar();
  recheck();
}

// A link chosen: the browser scrolls to the section; the focus goes to the section itself (its
// wrapper, named by its heading, which pushes never replace), so the next Tab is inside it and a
// screen reader reads where it landed.
function choose(event, menu) {
  const link = event.target.closest && event.target.closest("a[data-section]");
  if (!link) { return; }
  chosen = link.dataset.section;
  markSection(chosen);
  if (PHONE.matches) {
    menu.open = false;
    showSection(chosen);
    event.preventDefault();  // the section shows alone, from its top: no jump to scroll
    window.history.replaceState(null, "", "#section-" + chosen);
    window.scrollTo(0, 0);
  }
  const place = document.querySelector("section[aria-labelledby='heading-" + chosen + "']");
  if (place) {
    window.setTimeout(() => {
      if (!place.hasAttribute("tabindex")) { place.setAttribute("tabindex", "-1"); }
      place.focus({ preventScroll: true });
    }, 0);
  }
}

/** Install the section navigation: marking the section in view, and moving to a chosen one. */
export function watchSectionNav() {
  const menu = document.getElementById("section-nav");
  if (!menu) { return; }
  fitScreen(menu);
  PHONE.addEventListener("change", () => { fitScreen(menu); });
  menu.addEventListener("click", (event) => { choose(event, menu); });
  // Escape folds the phone's menu and gives the focus back to its button.
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && PHONE.matches && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  window.addEventListener("hashchange", () => {
    if (PHONE.matches && sectionInAddress()) { showSection(sectionInAddress()); }
  });
  document.addEventListener("focusin", keepFocusInSight);
  window.addEventListener("scroll", recheck, { passive: true });
  window.addEventListener("resize", () => { clearOfBar(); recheck(); });
  // A push can change a section's height, and so which one is in view.
  document.addEventListener("htmx:afterSwap", recheck);
}
