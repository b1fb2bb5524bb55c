// The page's one live region (#announcer, outside everything a push or an answer replaces): what
// a screen reader says as the board changes. Polite, short, and never the same sentence twice in
// a row: "Saved", "Ana added a strength", "Safety plan locked", "You rated 7", the connection
// going and coming back. Nothing else on the page is a live region, so nothing is said twice and
// a section re-rendered by a push says nothing by itself.

const SAME_AGAIN_MS = 8000;  // the same sentence within this time is said once
const SHOWN_MS = 20000;  // a said line leaves the region afterwards (the region stays short)
const lastSaid = new Map();  // sentence -> when it was last said
const CARRIED = "fttm-said";  // sessionStorage: a sentence to say once the next page is in

/** Say `text` in the live region, unless it was just said (`again`: say it even so, as the
 *  answer to each of a person's own saves is). */
export function say(text, again = false) {
  const region = document.getElementById("announcer");
  const sentence = (text || "").replace(/\s+/g, " ").trim();
  if (!region || !sentence) { return; }
  const now = Date.now();
  if (!again && now - (lastSaid.get(sentence) || -Infinity) < SAME_AGAIN_MS) { return; }
  lastSaid.set(sentence, now);
  const line = document.createElement("p");
  line.textContent = sentence;
  region.append(line);
  setTimeout(() => { line.remove(); }, SHOWN_MS);
}

/** A push's sentences, except those about this person's own change (their answer said it). */
export function sayPushed(message) {
  const me = document.body.dataset.me || "";
  (message.said || []).forEach((line) => {
    if (!me || String(line.by) !== me) { say(line.text); }
  });
}

// The sentence the server gave an answer (URL-encoded: headers are Latin-1).
function saidIn(xhr) {
  const header = xhr && xhr.getResponseHeader("FTTM-Said");
  if (!header) { return ""; }
  try { return decodeURIComponent(header); } catch (error) { return ""; }
}

/** The answers to this person's own requests: a saved change says so ("Saved", "You rated 7");
 *  a refused one says the message it put on the page. */
export function sayAnswers() {
  document.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status >= 400 || xhr.status === 0) { return; }
    // A replayed change (sent twice, saved once) has no sentence of its own: it was saved.
    const text = saidIn(xhr) || (xhr.getResponseHeader("X-Board-Seq") ? document.body.dataset.textSaved : "");
    // An answer that loads another page (starting or ending the meeting reloads the board):
    // said once that page is in.
    if (xhr.getResponseHeader("HX-Redirect") || xhr.getResponseHeader("HX-Refresh")) {
      if (text) { sessionStorage.setItem(CARRIED, text); }
      return;
    }
    say(text, true);
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400) { return; }
    // What was put in the page: an outerHTML swap settles the new element, and the target it
    // replaced is no longer in the page.
    const settled = event.target instanceof Element && event.target.isConnected;
    const target = settled ? event.target : event.detail.target;
    const told = target && target.querySelector(".conflict, .message-error, .error-summary, .error, .message");
    say(told ? told.textContent : (target && target.classList.contains("section-message") ? target.textContent : ""));
  });
}

/** Say what the answer that loaded this page had to say (kept in sessionStorage over the load). */
export function sayCarried() {
  const text = sessionStorage.getItem(CARRIED);
  if (text) {
    sessionStorage.removeItem(CARRIED);
    say(text);
  }
}

/** Say a polled element's text when it changes (the waiting room's "you are let in", "ended"),
 *  not each time the poll brings the same words again. */
export function sayPolledChanges() {
  document.querySelectorAll("[data-say-changes]").forEach((element) => {
    let before = element.textContent.replace(/\s+/g, " ").trim();
    element.addEventListener("htmx:afterSettle", () => {
      const now = element.textContent.replace(/\s+/g, " ").trim();
      if (now !== before) { say(now); }
      before = now;
    });
  });
}
