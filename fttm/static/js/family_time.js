// Private family time: the family's panel of drafts ("Our plan"), pushed to family phones and the
// wall only. A push never replaces the panel while someone is typing in it: it waits until focus
// leaves the panel, then the newest one is put in.

let waiting = null;  // the newest push held while someone types in the panel

function typingIn(panel) {
  const active = document.activeElement;
  return Boolean(active && panel.contains(active) && active.matches("input, textarea, select"));
}

function putIn(html) {
  const panel = document.getElementById("family-drafts");
  if (!panel) { return; }
  const template = document.createElement("template");
  template.innerHTML = html;
  const fresh = template.content.firstElementChild;
  if (!fresh || fresh.id !== "family-drafts") { return; }
  panel.replaceWith(fresh);
  if (window.htmx) { window.htmx.process(fresh); }
}

// Put the held push in once focus has left the panel (listening again if it moved within it).
function afterTyping(panel) {
  panel.addEventListener("focusout", () => {
    setTimeout(() => {
      const now = document.getElementById("family-drafts");
      if (waiting === null || !now) { return; }
      if (typingIn(now)) { afterTyping(now); return; }
      const held = waiting;
      waiting = null;
      putIn(held);
    }, 0);
  }, { once: true });
}

/** A `family_time:drafts` push: the panel as it is now. */
export function showDrafts(message) {
  if (!message || typeof message.html !== "string") { return; }
  const panel = document.getElementById("family-drafts");
  if (!panel) { return; }
  if (typingIn(panel)) {
    if (waiting === null) { afterTyping(panel); }
    waiting = message.html;
    return;
  }
  waiting = null;
  putIn(message.html);
}
