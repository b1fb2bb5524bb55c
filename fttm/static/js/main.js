// fttm's own JavaScript, the entry point: what htmx does not do by itself. Native ES modules, no
// build step; no inline script anywhere (strict CSP: script-src 'self'). The server renders all
// HTML; translated texts come from data-* attributes on <body>. Each module installs its
// listeners only when called here, so the order they run in is written down in one place.
//
// Loaded as <script type="module"> (deferred): it runs after the vendored htmx (a classic deferred
// script, read as window.htmx). The board connects on DOMContentLoaded: js/socket.js then
// fetches the vendored Socket.IO client (window.io), so the page works before it comes.

import { sayAnswers, sayCarried, sayPolledChanges } from "./announce.js";
import { watchAnswers } from "./answers.js";
import { askBeforeSubmitting } from "./confirm.js";
import { tellAnswersToDetached } from "./detached.js";
import { keepFocus } from "./focus.js";
import { keepTypedOverLanguage, putBackTyped } from "./language.js";
import { markMine } from "./marks.js";
import { applyHeld } from "./merge.js";
import { reportFailedAnswers, reportUnsent } from "./messages.js";
import { noteSeq } from "./pushes.js";
import { watchChanges } from "./retries.js";
import { connect, tellEditing, watchNetwork } from "./socket.js";
import { loadFoldsOpenedEarly, watchTyping } from "./typing.js";
import { guardRoomRequests, isWall } from "./room.js";
import { watchZoomButtons } from "./zoom.js";
import { watchSectionNav } from "./nav.js";
import { watchPhase } from "./phase.js";

const body = document.body;
tellAnswersToDetached();  // first: its listeners note which answers reached the page
reportFailedAnswers();
askBeforeSubmitting();
sayAnswers();
keepFocus();
keepTypedOverLanguage();
document.addEventListener("DOMContentLoaded", () => {
  putBackTyped();  // after htmx is in: a fold it opens loads its form
  loadFoldsOpenedEarly();
  sayCarried();
  sayPolledChanges();
});

if (!body.dataset.board) {
  reportUnsent();
} else {
  // The live board. The page was rendered at this sequence number: pushes start after it.
  noteSeq(parseInt(body.dataset.seq || "0", 10));
  guardRoomRequests();
  watchZoomButtons();  // its htmx:afterSwap runs before the answers' own
  watchChanges();
  watchAnswers();
  watchTyping(tellEditing, applyHeld);
  watchNetwork();
  watchSectionNav();
  document.addEventListener("DOMContentLoaded", () => {
    watchPhase();
    markMine(document);
    if (isWall()) { import("./wall.js").then((wall) => { wall.watchWall(); }); }
    connect();
    performance.mark("fttm-interactive");  // every module run, every listener in: bench/phone.py
  });
}
