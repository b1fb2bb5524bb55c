// The board's Socket.IO connection (the vendored client defines window.io): connect to the
// meeting, catch up on what it missed on every (re)connect, take pushes, tell
// others which cell this person is editing, and show the connection's state to the person.

import { say, sayPushed } from "./announce.js";
import { showDrafts } from "./family_time.js";
import { announce } from "./messages.js";
import { noteEditing } from "./marks.js";
import { heldBoard, takeUpdate } from "./pushes.js";
import { retryPending } from "./retries.js";

// The wall's and the console's code, fetched the first time a message for it arrives (once;
// messages are handled in the order they came): a phone never gets their messages.
function loadedOnce(load) {
  let loading = null;
  return () => { loading = loading || load(); return loading; };
}
const wallCode = loadedOnce(() => import("./wall.js"));

let socket = null;  // none on a board that will not change (ended, or not yet open)
let toldState = "connected";  // the state last said aloud: the first connection is not news

/** Show the connection's state ("connected", "reconnecting", "offline") in its own words, and
 *  say it when it changed since it was last said. */
export function showConnection(state) {
  const box = document.getElementById("connection");
  if (!box) { return; }
  box.dataset.state = state;
  box.textContent = document.body.dataset["text" + state.charAt(0).toUpperCase() + state.slice(1)] || state;
  if (state !== toldState) {
    toldState = state;
    say(box.textContent);
  }
}

/** Tell the others this person started (or stopped) editing `cell`. */
export function tellEditing(cell, on) {
  if (socket && socket.connected) {
    socket.emit("board:editing", { cell: cell, editing: on });
  }
}

/** A change was saved, so the server is reachable: reconnect a socket that is down. */
export function reconnectAfterSave() {
  if (socket && !socket.connected) { socket.connect(); }
}

/** The connection's state follows the browser's network state. */
export function watchNetwork() {
  window.addEventListener("offline", () => { showConnection("offline"); });
  window.addEventListener("online", () => { showConnection("reconnecting"); });
}

/** Connect a live board to its meeting; a board that will not change hides the state instead. */
export function connect() {
  const body = document.body;
  if (body.dataset.live !== "1") {  // an ended (or not yet open) meeting: nothing will change
    const box = document.getElementById("connection");
    if (box) { box.hidden = true; }
    return;
  }
  withClient(() => { open(body); });
}

// The vendored Socket.IO client (15 KB) is fetched once the page works: on a slow network,
// loaded with the page, it would hold up every form until it came. Tried again if it fails.
function withClient(then) {
  if (window.io) { then(); return; }
  const script = document.createElement("script");
  script.src = document.body.dataset.socketClient;
  script.addEventListener("load", then);
  script.addEventListener("error", () => {
    script.remove();
    showConnection(navigator.onLine ? "reconnecting" : "offline");
    setTimeout(() => { withClient(then); }, 3000);
  });
  document.head.append(script);
}

function open(body) {
  const auth = { meeting: parseInt(body.dataset.board, 10) };
  if (body.dataset.screen) { auth.screen = body.dataset.screen; }  // staff: wall or console
  socket = window.io({ auth: auth });
  socket.on("connect", () => {
    showConnection("connected");
    sync();
    retryPending();
  });
  socket.on("disconnect", () => { showConnection(navigator.onLine ? "reconnecting" : "offline"); });
  socket.on("connect_error", (error) => {
    if (error && error.data && error.data.removed) { showRemoved(); return; }
    showConnection(navigator.onLine ? "reconnecting" : "offline");
    // A refusal (say, the meeting was not open yet) is not retried by socket.io itself.
    if (!socket.active) { setTimeout(() => { if (!socket.connected) { socket.connect(); } }, 3000); }
  });
  socket.on("board:update", (message) => {
    takeUpdate(message);
    sayPushed(message);
  });
  socket.on("board:editing", noteEditing);
  socket.on("wall:view", (message) => { wallCode().then((wall) => { wall.showView(message); }); });
  socket.on("wall:join", (message) => { wallCode().then((wall) => { wall.showJoin(message); }); });
  socket.on("wall:presence", (message) => {
    wallCode().then((wall) => { wall.followWallPresence(message); });
  });
  socket.on("console:waiting", (message) => {
    wallCode().then((wall) => { wall.showWaiting(message); });
  });
  socket.on("board:removed", showRemoved);
  socket.on("family_time:drafts", showDrafts);
}

// The facilitator removed this person: the board goes, and they are told why, plainly.
function showRemoved() {
  if (socket) { socket.disconnect(); }
  const main = document.getElementById("main");
  if (!main) { return; }
  const notice = document.createElement("section");
  notice.className = "removed-notice notice notice-warning";
  const heading = document.createElement("h1");
  heading.textContent = document.body.dataset.textRemoved;
  notice.append(heading);
  main.replaceChildren(notice);
  main.focus();
  say(heading.textContent);  // in the page's one live region, outside <main>
}

let syncAgain = null;

// Ask the server for what this screen missed: it says what it holds, section by section, and is
// sent the sections changed since (none when it is up to date).
function sync() {
  clearTimeout(syncAgain);
  socket.emit("board:sync", heldBoard(), (answer) => {
    if (!answer || answer.ok) { return; }
    // Refused for now (too many messages, or a catch-up already on its way): ask again when
    // the server says; refused for good: say why.
    if (typeof answer.retry_after === "number") {
      syncAgain = setTimeout(() => { if (socket.connected) { sync(); } }, answer.retry_after * 1000);
    } else if (answer.error) {
      announce(answer.error);
    }
  });
}
