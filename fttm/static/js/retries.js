// Every change the board sends (an htmx POST) carries an idempotency key the server remembers,
// so a retry after a lost answer is applied once. A change that could not be sent is kept, shown
// as "not yet saved", and sent again with the same key once the socket is back.
//
// A versioned field (a form with a base_version: a cell of the actions table, an item's or a
// person's edit form) takes one person's edits one at a time. The server refuses an edit based
// on a version that has moved on, and rightly so when someone else moved it; but a second edit
// made while this screen's first was on its way carries the same base, and would be refused
// for the person's own change. So it waits for the first's answer and is based on the version
// that answer saved. Only this screen's own step is taken: a version someone else moved on
// still answers with a conflict.

const inflight = {};  // idempotency key -> the change, until the server answers
let pending = [];  // changes that could not be sent: retried with the same key
const sending = {};  // versioned field -> the idempotency key of its edit on its way
const waiting = {};  // versioned field -> the edits made meanwhile, in order
const ownSteps = {};  // versioned field -> { version: version after } of this screen's saved edits

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

// The versioned field an edit to `path` with these field names changes, or null when the
// change carries no base_version (an addition, a deletion: nothing to base on).
function versionedField(path, names) {
  const unique = Array.from(new Set(names)).filter(Boolean);
  if (unique.indexOf("base_version") < 0) { return null; }
  return path + " " + unique.filter((name) => name !== "base_version").sort().join(",");
}

function fieldOfForm(form, path) {
  return versionedField(path, Array.from(form.elements || [], (element) => element.name));
}

// The field a request about to be sent changes: from its form, or the values it was given
// (a change sent again from the pending list).
function fieldOfRequest(detail) {
  const values = detail.etc && detail.etc.values;
  if (detail.elt && detail.elt.tagName === "FORM") { return fieldOfForm(detail.elt, detail.path); }
  return values ? versionedField(detail.path, Object.keys(values)) : null;
}

// The version `base` stands for once this screen's own saved edits are counted.
function ownVersion(field, base) {
  const steps = ownSteps[field] || {};
  let version = String(base);
  for (let hops = 0; steps[version] !== undefined && hops < 1000; hops++) { version = steps[version]; }
  return version;
}

// The version the answer `html` shows for `field` (the base_version of its form), or NaN.
function answeredVersion(html, path, field) {
  const template = document.createElement("template");
  template.innerHTML = html || "";
  for (const form of template.content.querySelectorAll("form")) {
    if (form.getAttribute("hx-post") !== path || fieldOfForm(form, path) !== field) { continue; }
    const base = form.querySelector('[name="base_version"]');
    return base ? parseInt(base.value, 10) : NaN;
  }
  return NaN;
}

// This screen's edit of `field`, based on `sent`, was saved. If it changed anything, its version
// moved on by exactly one step: an answer showing more also holds someone else's later edit,
// which the person has not seen, so an edit of theirs still based on it stays a conflict.
function noteSaved(field, sent, html, path) {
  const base = parseInt(sent, 10);
  const answered = answeredVersion(html, path, field);
  if (isNaN(base) || isNaN(answered) || answered <= base) { return; }
  ownSteps[field] = ownSteps[field] || {};
  ownSteps[field][String(base)] = String(base + 1);
}

// Send the next edit made while the one before was on its way: from its own form if it is
// still on the page (with whatever the person has chosen by now), else from the values it had,
// through the form that stands in its place (a push re-rendered the item meanwhile).
function sendNext(field) {
  const queue = waiting[field];
  if (!queue || queue.length === 0 || sending[field]) { return; }
  const next = queue.shift();
  if (queue.length === 0) { delete waiting[field]; }
  if (next.elt === document.body || document.body.contains(next.elt)) {
    next.issue(true);
    return;
  }
  const standIn = Array.from(document.querySelectorAll("form[hx-post]")).filter((form) =>
    form.getAttribute("hx-post") === next.path && fieldOfForm(form, next.path) === field)[0];
  window.htmx.ajax("POST", next.path, {
    source: standIn || document.body,
    values: next.values,
    target: standIn ? undefined : next.elt.getAttribute("hx-target") || "#section-status",
    swap: "outerHTML"
  });
}

// An edit of a versioned field while another of it is on its way waits for that one's answer.
function holdUntilAnswered(event) {
  const detail = event.detail;
  if (detail.verb !== "post") { return; }
  const field = fieldOfRequest(detail);
  if (!field || !sending[field]) { return; }
  event.preventDefault();
  const values = detail.elt.tagName === "FORM" ? formValues({ formData: new FormData(detail.elt) })
    : (detail.etc && detail.etc.values) || {};
  (waiting[field] = waiting[field] || []).push({
    issue: detail.issueRequest, elt: detail.elt, path: detail.path, values: values
  });
}

// The answer to an edit of a versioned field: note the version it saved, then send the next.
function afterAnswer(event) {
  const config = event.detail.requestConfig;
  const key = config && config.headers && config.headers["Idempotency-Key"];
  const field = key && Object.keys(sending).filter((name) => sending[name] === key)[0];
  if (!field) { return; }
  delete sending[field];
  const xhr = event.detail.xhr;
  if (xhr && xhr.status >= 200 && xhr.status < 300) {
    noteSaved(field, config.formData.get("base_version"), xhr.responseText, config.path);
  }
  // After the answer's own handlers (answers.js, the held pushes), as htmx's own queue would.
  setTimeout(() => { sendNext(field); }, 0);
}

/** Give each POST its key (a retry keeps its own), base an edit on this screen's own saved
 *  edits, send a field's edits one at a time, and keep a change that could not be sent. */
export function watchChanges() {
  document.addEventListener("htmx:confirm", holdUntilAnswered);
  document.addEventListener("htmx:configRequest", (event) => {
    const detail = event.detail;
    if (detail.verb !== "post") { return; }
    const key = detail.headers["Idempotency-Key"] || newKey();
    detail.headers["Idempotency-Key"] = key;
    const field = versionedField(detail.path, Array.from(detail.formData.keys()));
    if (field) {
      detail.formData.set("base_version", ownVersion(field, detail.formData.get("base_version")));
      sending[field] = key;
    }
    inflight[key] = {
      path: detail.path,
      values: formValues(detail),
      target: detail.target && detail.target.id ? "#" + detail.target.id : null
    };
    detail.elt.dataset.key = key;
  });
  document.addEventListener("htmx:afterRequest", afterAnswer);
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

/** Send every pending change again, with its own key (a field's edits one after another). */
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
