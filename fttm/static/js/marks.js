// What a screen adds to the server's HTML for the person holding it: their own items are marked
// (the server renders one HTML for a whole audience, so it cannot say whose screen it is on), and
// a cell someone else is editing says who.

const me = document.body.dataset.me || "";  // this screen's participant id ("" for onlookers)
const editors = {};  // cell -> name of the person editing it

/** Mark the items in `root` (and `root` itself) written by this screen's person. */
export function markMine(root) {
  if (!me) { return; }
  if (root.matches && root.matches('[data-author="' + me + '"]')) { root.classList.add("mine"); }
  root.querySelectorAll('[data-author="' + me + '"]').forEach((el) => { el.classList.add("mine"); });
}

/** Label the cells in `root` that someone is editing (a fresh rendering has no labels). */
export function showEditors(root) {
  for (const cell of Object.keys(editors)) {
    const label = root.querySelector('[data-cell="' + cell + '"] .editing-by');
    if (label) { label.textContent = document.body.dataset.textEditing.replace("{name}", editors[cell]); }
  }
}

/** Someone started or stopped editing a cell (the server's board:editing message). */
export function noteEditing(message) {
  if (message.editing) { editors[message.cell] = message.name; } else { delete editors[message.cell]; }
  const label = document.querySelector('[data-cell="' + CSS.escape(message.cell) + '"] .editing-by');
  if (label) {
    label.textContent = message.editing
      ? document.body.dataset.textEditing.replace("{name}", message.name) : "";
  }
}
