// Pan and zoom of the family map's pictures (genogram, ecomap): each scrolls in its box and the
// buttons scale it. The zoom a person chose survives pushes and swaps that redraw the picture.

const zooms = {};  // figure box id -> zoom factor (absent or 0: fit the screen's width)

/** Give every picture in `root` (or `root` itself) the zoom chosen for its box. */
export function applyZoom(root) {
  const boxes = root.matches && root.matches(".family-figure-box")
    ? [root] : root.querySelectorAll(".family-figure-box");
  for (const box of boxes) {
    const svg = box.querySelector("svg");
    if (!svg) { continue; }
    if (!zooms[box.id]) {
      svg.style.removeProperty("width");
      svg.style.removeProperty("max-width");
      continue;
    }
    svg.style.maxWidth = "none";
    svg.style.width = Math.round(parseFloat(svg.getAttribute("width")) * zooms[box.id]) + "px";
  }
}

/** The zoom buttons (data-zoom="in|out|fit", data-figure=box id) scale their picture. */
export function watchZoomButtons() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-zoom]");
    const box = button && document.getElementById(button.dataset.figure);
    const svg = box && box.querySelector("svg");
    if (!svg) { return; }
    const natural = parseFloat(svg.getAttribute("width"));
    const now = zooms[box.id] || svg.getBoundingClientRect().width / natural;
    const next = { "in": now * 1.4, "out": now / 1.4, "fit": 0 }[button.dataset.zoom];
    zooms[box.id] = next ? Math.min(Math.max(next, 0.2), 4) : 0;
    applyZoom(box);
  });
  document.addEventListener("htmx:afterSwap", () => { applyZoom(document); });
}
