// What went wrong, told to the person: a request the server refused, or one that never reached
// it, shows a line in the page's message box instead of silently doing nothing. The texts are
// the server's translations, read from data-* attributes on <body>.

import { say } from "./announce.js";

/** Show `text` as the page's one error message. */
export function announce(text) {
  const box = document.getElementById("messages");
  if (!box) { return; }
  const line = document.createElement("p");
  line.className = "message message-error";
  line.textContent = text;
  box.replaceChildren(line);
  say(text);
}

/** A failed htmx answer shows its error page's own sentence, or a general one. */
export function reportFailedAnswers() {
  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    const doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    const detail = doc.querySelector(".error-page p, .error-page h1");
    announce(detail ? detail.textContent : document.body.dataset.errorText);
  });
}

/** Off the board, a request that never left says so (the board keeps it to send again). */
export function reportUnsent() {
  document.addEventListener("htmx:sendError", () => { announce(document.body.dataset.offlineText); });
}
