// Every change the board sends (an htmx POST) carries an idempotency key the server remembers,
// so a retry after a lost answer is applied once. A change that could not be sent is kept, shown
// as "not yet saved", and sent again with the same key once the socket is back.

const inflight = {};  // idempotency key -> the change, until the server answers
let pending = [];  // changes that could not be sent: retried with the same key

function newKey() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => ("0" + b.toString(16)).slice(-2)).join("");
}

function showPending() {
  const box = document.getElementById("pending");
  if (!box) { return; }
  box.hidden = pending.length === 0;
  box.textContent = document.body.dataset.textPending + " " + pending.length;
}

function formValues(detail) {
  const values = {};
  const data = detail.formData || detail.parameters;
  if (data && typeof data.forEach === "function") {
    data.forEach((value, key) => { values[key] = value; });
  } else if (data) {
    for (const key of Object.keys(data)) { values[key] = data[key]; }
  }
  return values;
}

/** Give each POST its key (a retry keeps its own), and keep a change that could not be sent. */
export function watchChanges() {
  document.addEventListener("htmx:configRequest", (event) => {
    const detail = event.detail;
    if (detail.verb !== "post") { return; }
    const key = detail.headers["Idempotency-Key"] || newKey();
    detail.headers["Idempotency-Key"] = key;
    inflight[key] = {
      path: detail.path,
      values: formValues(detail),
      target: detail.target && detail.target.id ? "#" + detail.target.id : null
    };
    detail.elt.dataset.key = key;
  });
  document.addEventListener("htmx:sendError", (event) => {
    const key = event.detail.elt.dataset.key;
    event.detail.elt.dataset.sending = "1";
    if (!key || !inflight[key]) { return; }
    pending.push({ key: key, change: inflight[key] });
    delete inflight[key];
    showPending();
  });
}

/** The server answered the change sent with `key`: it is no longer in flight or pending. */
export function settle(key) {
  if (key) { delete inflight[key]; }
  pending = pending.filter((change) => change.key !== key);
  showPending();
}

/** Send every pending change again, with its own key. */
export function retryPending() {
  pending.forEach((item) => {
    window.htmx.ajax("POST", item.change.path, {
      values: item.change.values,
      headers: { "Idempotency-Key": item.key },
      target: item.change.target || "#section-status",
      swap: "outerHTML"
    });
  });
}
