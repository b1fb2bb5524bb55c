// Which screen this page is (a phone, the wall, a console presenting to the room or not), and
// the rule every room screen keeps: its requests say so, and the board's controls stay inert on
// it. Small and loaded with every board; the wall's and the console's own code (js/wall.js) is
// loaded only on those screens, and when a push for them arrives.

const body = document.body;

/** Whether this page is the wall. */
export function isWall() {
  return body.dataset.screen === "wall";
}

/** Whether this page is a console (presenting or not). */
export function isConsole() {
  return body.dataset.screen === "console" || body.dataset.screen === "presenting";
}

/** Whether this page is seen by the room: the wall, or a presenting console. */
export function isRoomScreen() {
  return body.dataset.screen === "wall" || body.dataset.screen === "presenting";
}

/** Requests from a room screen say so (the server then renders for the room), and the board's
 *  own controls never send from it: they are hidden there, and must stay inert. */
export function guardRoomRequests() {
  document.addEventListener("htmx:configRequest", (event) => {
    if (isRoomScreen()) { event.detail.headers["FTTM-Screen"] = "room"; }
  });
  document.addEventListener("htmx:beforeRequest", (event) => {
    const source = event.detail.elt;
    if (isRoomScreen() && source && source.closest && source.closest(".board-grid, .board-status")) {
      event.preventDefault();
    }
  });
}
