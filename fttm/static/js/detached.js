// htmx tells what became of a request by events dispatched on the element that sent it. A push
// can take that element out of the page while its request is on the way (a phone's own Delete:
// the push of that very change re-renders the list before the answer comes). Events on an
// element out of the page reach no listener, so the page would not say "Saved", settle the
// change, or keep it to send again when the network failed. htmx falls back to an ancestor still
// in the page only when its own swap took the element away. Here, what reached nobody is told
// from <body>, with the same detail, once htmx is done with the answer.

const heard = new WeakMap();  // request -> the names of its events that reached the page
const ON_LOAD = ["htmx:afterRequest", "htmx:responseError"];
const ON_ERROR = ["htmx:afterRequest", "htmx:sendError"];

// Whether htmx counts this answer as an error (the page's responseHandling, matched as htmx does).
function isError(xhr) {
  const status = String(xhr.status);
  const rule = (window.htmx.config.responseHandling || []).find((each) => new RegExp(each.code).test(status));
  return Boolean(rule && rule.error);
}

function tellUnheard(detail, names) {
  const xhr = detail.xhr;
  if (detail.elt && detail.elt.isConnected) { return; }  // htmx told the page itself
  names.forEach((name) => {
    if (heard.get(xhr).has(name)) { return; }
    if (name === "htmx:responseError" && !isError(xhr)) { return; }
    document.body.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: detail }));
  });
}

/** Make each answer to a request whose element left the page meanwhile reach the page's
 *  listeners, as it would have had the element stayed. */
export function tellAnswersToDetached() {
  new Set([...ON_LOAD, ...ON_ERROR]).forEach((name) => {
    document.addEventListener(name, (event) => {
      const xhr = event.detail && event.detail.xhr;
      if (xhr && heard.has(xhr)) { heard.get(xhr).add(name); }
    }, true);
  });
  document.addEventListener("htmx:beforeRequest", (event) => {
    const detail = event.detail;
    const xhr = detail.xhr;
    if (!xhr) { return; }
    heard.set(xhr, new Set());
    // Added after htmx's own onload and onerror, so these run once htmx has handled the answer.
    xhr.addEventListener("load", () => { tellUnheard(detail, ON_LOAD); });
    xhr.addEventListener("error", () => { tellUnheard(detail, ON_ERROR); });
  });
}
