// fttm's one small bridge file: what htmx does not do by itself. No inline script anywhere (CSP).
// Translated texts come from data-* attributes on <body>; the server renders all HTML.
(function () {
  "use strict";
  var body = document.body;

  // Tell the person when a request fails, instead of silently doing nothing.
  function announce(text) {
    var box = document.getElementById("messages");
    if (!box) { return; }
    var line = document.createElement("p");
    line.className = "message message-error";
    line.textContent = text;
    box.replaceChildren(line);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var detail = doc.querySelector(".error-page p, .error-page h1");
    announce(detail ? detail.textContent : body.dataset.errorText);
  });

  // Plain forms that undo something ask first: <form data-confirm="Cancel this meeting?">.
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  if (!body.dataset.board) {
    document.addEventListener("htmx:sendError", function () { announce(body.dataset.offlineText); });
    return;
  }

  // ---- The live board ----
  var meetingId = parseInt(body.dataset.board, 10);
  var lastSeq = parseInt(body.dataset.seq || "0", 10);
  var me = body.dataset.me || "";
  var socket = null;
  var editors = {};     // cell -> name of the person editing it
  var inflight = {};    // idempotency key -> the change, until the server answers
  var pending = [];     // changes that could not be sent: retried with the same key
  var deferred = {};    // element id -> { html, done }: a push held back while someone types in it
  // section -> seq of the newest push shown (or held back) there. Pushes can arrive out of order
  // (two changes rendered at once on a server that waits for its database): an older rendering
  // must never replace a newer one, or an item vanishes from this screen until the next change.
  var sectionSeq = {};
  // An edited item, or a new item of a plain list, is pushed alone. element id -> { seq, id,
  // section, list, html } of the newest such push: a section push older than it must not bring
  // the item's older text back (or drop the new item), so the item is put in again after it.
  var itemPushes = {};

  // Pan and zoom of the family map's pictures: each scrolls in its box; the buttons scale it.
  var zooms = {};       // figure box id -> zoom factor (absent: fit the screen's width)
  function applyZoom(root) {
    var boxes = root.matches && root.matches(".family-figure-box") ? [root] : root.querySelectorAll(".family-figure-box");
    Array.prototype.forEach.call(boxes, function (box) {
      var svg = box.querySelector("svg");
      if (!svg) { return; }
      if (!zooms[box.id]) { svg.style.removeProperty("width"); svg.style.removeProperty("max-width"); return; }
      svg.style.maxWidth = "none";
      svg.style.width = Math.round(parseFloat(svg.getAttribute("width")) * zooms[box.id]) + "px";
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-zoom]");
    var box = button && document.getElementById(button.dataset.figure);
    var svg = box && box.querySelector("svg");
    if (!svg) { return; }
    var natural = parseFloat(svg.getAttribute("width"));
    var now = zooms[box.id] || svg.getBoundingClientRect().width / natural;
    var next = { "in": now * 1.4, "out": now / 1.4, "fit": 0 }[button.dataset.zoom];
    zooms[box.id] = next ? Math.min(Math.max(next, 0.2), 4) : 0;
    applyZoom(box);
  });
  document.addEventListener("htmx:afterSwap", function () { applyZoom(document); });

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function showConnection(state) {
    var box = document.getElementById("connection");
    if (!box) { return; }
    box.dataset.state = state;
    box.textContent = body.dataset["text" + state.charAt(0).toUpperCase() + state.slice(1)] || state;
  }

  function showPending() {
    var box = document.getElementById("pending");
    if (!box) { return; }
    box.hidden = pending.length === 0;
    box.textContent = body.dataset.textPending + " " + pending.length;
  }

  function noteSeq(seq) {
    if (typeof seq === "number" && seq > lastSeq) { lastSeq = seq; }
  }

  function markMine(root) {
    if (!me) { return; }
    if (root.matches && root.matches('[data-author="' + me + '"]')) { root.classList.add("mine"); }
    root.querySelectorAll('[data-author="' + me + '"]').forEach(function (el) { el.classList.add("mine"); });
  }

  function showEditors(root) {
    Object.keys(editors).forEach(function (cell) {
      var label = root.querySelector('[data-cell="' + cell + '"] .editing-by');
      if (label) { label.textContent = body.dataset.textEditing.replace("{name}", editors[cell]); }
    });
  }

  // What someone is in the middle of doing in a section, so a push does not wipe it.
  function keepState(section) {
    var kept = { fields: {}, open: [], focus: null };
    section.querySelectorAll("textarea[id], input[id], select[id]").forEach(function (field) {
      // Text being sent (or waiting to be resent) is about to be on the board: don't keep it.
      if (field.form && (field.form.classList.contains("htmx-request") || field.form.dataset.sending)) { return; }
      if (field.type === "radio" || field.type === "checkbox") {
        // A choice made in a form being filled in (say, "Female") survives the push.
        if (field.closest("[data-reset]") && field.checked !== field.defaultChecked) {
          kept.fields[field.id] = { checked: field.checked, base: null };
        }
        return;
      }
      if (field.dataset.dirty === "1" || (field.closest("[data-reset]") && field.value)) {
        var base = field.form && field.form.querySelector('[name="base_version"]');
        kept.fields[field.id] = { value: field.value, base: base ? base.value : null };
      }
    });
    section.querySelectorAll("details[open]").forEach(function (details) {
      var owner = details.parentElement.closest("[id]");
      if (owner) { kept.open.push(owner.id + " " + details.className); }
    });
    var active = document.activeElement;
    if (active && active.id && section.contains(active)) {
      kept.focus = { id: active.id, start: active.selectionStart, end: active.selectionEnd };
    }
    return kept;
  }

  function restoreState(section, kept) {
    Object.keys(kept.fields).forEach(function (id) {
      var field = section.querySelector("#" + CSS.escape(id));
      if (!field) { return; }
      if ("checked" in kept.fields[id]) { field.checked = kept.fields[id].checked; return; }
      field.value = kept.fields[id].value;
      field.dataset.dirty = "1";
      var base = field.form && field.form.querySelector('[name="base_version"]');
      // Keep the version the person started from: if someone else saved this cell meanwhile,
      // the server reports a conflict instead of silently overwriting their words.
      if (base && kept.fields[id].base !== null) { base.value = kept.fields[id].base; }
    });
    kept.open.forEach(function (key) {
      var parts = key.split(" ");
      var owner = section.id === parts[0] ? section : section.querySelector("#" + CSS.escape(parts[0]));
      var details = owner && owner.querySelector("details." + parts.slice(1).join("."));
      if (details) { details.open = true; }
    });
    if (kept.focus) {
      var focused = section.querySelector("#" + CSS.escape(kept.focus.id));
      if (focused) {
        focused.focus();
        try { focused.setSelectionRange(kept.focus.start, kept.focus.end); } catch (e) { /* selects */ }
      }
    }
  }

  // Someone is typing in a cell of this section, or their save of it is on its way.
  function busy(section) {
    var active = document.activeElement;
    var typing = active && section.contains(active) && active.dataset.dirty === "1";
    return typing || Boolean(section.querySelector("[data-cell] .htmx-request, [data-cell].htmx-request"));
  }

  function applyDeferred() {
    Object.keys(deferred).forEach(function (id) {
      var element = document.getElementById(id);
      if (element && busy(element)) { return; }
      var held = deferred[id];
      delete deferred[id];
      replaceElement(id, held.html, held.done);
    });
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // Whether `fresh` has the same shape as `old` along the path down to `keep`.
  function aligned(old, fresh, keep) {
    if (old === keep) { return fresh.nodeType === 1 && fresh.dataset.cell === keep.dataset.cell; }
    if (old.nodeType !== 1 || fresh.nodeType !== 1 || old.tagName !== fresh.tagName) { return false; }
    if (old.childNodes.length !== fresh.childNodes.length) { return false; }
    for (var i = 0; i < old.childNodes.length; i++) {
      if (old.childNodes[i].contains(keep)) { return aligned(old.childNodes[i], fresh.childNodes[i], keep); }
    }
    return false;
  }

  // Bring `old` up to date with `fresh`, leaving the `keep` subtree (the cell being typed in) as it is.
  function patchAround(old, fresh, keep) {
    if (old === keep) { return; }
    Array.prototype.slice.call(old.attributes).forEach(function (attr) {
      if (!fresh.hasAttribute(attr.name)) { old.removeAttribute(attr.name); }
    });
    Array.prototype.slice.call(fresh.attributes).forEach(function (attr) {
      if (old.getAttribute(attr.name) !== attr.value) { old.setAttribute(attr.name, attr.value); }
    });
    var olds = Array.prototype.slice.call(old.childNodes);
    var freshes = Array.prototype.slice.call(fresh.childNodes);
    olds.forEach(function (child, i) {
      if (child.contains(keep)) { patchAround(child, freshes[i], keep); } else { child.replaceWith(freshes[i]); }
    });
  }

  // Put pushed HTML in place of the element `id` (a section, or an item pushed alone); `done`
  // runs once it is in.
  function replaceElement(id, html, done) {
    var old = document.getElementById(id);
    if (!old) { return; }
    // Never pull a cell out from under someone typing in it: removing a focused, edited field
    // makes the browser send its half-typed text. Update everything around that cell instead,
    // or, when the section's shape changed, wait until they leave the cell.
    if (busy(old)) {
      var active = document.activeElement;
      var cellNow = active && active.closest && active.closest("[data-cell]");
      var incoming = parse(html);
      if (cellNow && old.contains(cellNow) && !document.querySelector("[data-cell] .htmx-request") &&
          incoming && aligned(old, incoming, cellNow)) {
        patchAround(old, incoming, cellNow);
        htmx.process(old);
        markMine(old);
        showEditors(old);
        if (done) { done(); }
      } else {
        deferred[id] = { html: html, done: done };
      }
      return;
    }
    var kept = keepState(old);
    var fresh = parse(html);
    if (!fresh) { return; }
    old.replaceWith(fresh);
    htmx.process(fresh);
    restoreState(fresh, kept);
    applyZoom(fresh);
    markMine(fresh);
    showEditors(fresh);
    if (done) { done(); }
  }

  function replaceSection(name, html, seq) {
    replaceElement("section-" + name, html, function () { reapplyItems(name, seq); });
  }

  // A section at `seq` is in: put back the items of it pushed alone since.
  function reapplyItems(name, seq) {
    Object.keys(itemPushes).forEach(function (id) {
      var item = itemPushes[id];
      if (item.section !== name) { return; }
      if (typeof seq === "number" && item.seq > seq) { putItem(item); } else { delete itemPushes[id]; }
    });
  }

  // An item in place of itself or, when this screen does not show it yet, added to its list in
  // the order of the items' numbers (the order they were added in).
  function putItem(item) {
    if (document.getElementById(item.id)) { replaceElement(item.id, item.html); return; }
    var list = item.list && document.getElementById(item.list);
    var fresh = list && parse(item.html);
    if (!fresh) { return; }
    var number = function (element) { return parseInt(element.id.split("-").pop(), 10); };
    var later = Array.prototype.filter.call(list.children, function (child) {
      return child.id && number(child) > number(fresh);
    })[0];
    list.querySelectorAll(":scope > .empty-item").forEach(function (empty) { empty.remove(); });
    list.insertBefore(fresh, later || null);
    htmx.process(fresh);
    markMine(fresh);
    showEditors(fresh);
  }

  function takeItem(seq, item) {
    if (seq < (sectionSeq[item.section] || 0)) { return; }  // the section shown is newer
    if (itemPushes[item.id] && seq < itemPushes[item.id].seq) { return; }
    itemPushes[item.id] = { seq: seq, id: item.id, section: item.section, list: item.list, html: item.html };
    putItem(itemPushes[item.id]);
  }

  function formValues(detail) {
    var values = {};
    var data = detail.formData || detail.parameters;
    if (data && typeof data.forEach === "function") {
      data.forEach(function (value, key) { values[key] = value; });
    } else if (data) {
      Object.keys(data).forEach(function (key) { values[key] = data[key]; });
    }
    return values;
  }

  // Every change carries a key the server remembers: a retry after a lost answer is applied once.
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (detail.verb !== "post") { return; }
    var key = detail.headers["Idempotency-Key"] || newKey();
    detail.headers["Idempotency-Key"] = key;
    inflight[key] = {
      path: detail.path,
      values: formValues(detail),
      target: detail.target && detail.target.id ? "#" + detail.target.id : null
    };
    detail.elt.dataset.key = key;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    var xhr = detail.xhr;
    var key = detail.elt.dataset.key;
    if (!xhr || !xhr.status) { return; }  // never reached the server: see htmx:sendError
    if (key) { delete inflight[key]; }
    pending = pending.filter(function (change) { return change.key !== key; });
    showPending();
    noteSeq(parseInt(xhr.getResponseHeader("X-Board-Seq") || "", 10));
    var saved = xhr.status >= 200 && xhr.status < 300;
    // A quick-add form answered with its new item alone (its section stays): empty it.
    if (saved && xhr.getResponseHeader("X-Board-Item") && detail.elt.matches("form[data-reset]")) {
      detail.elt.reset();
    }
    if (saved && socket && !socket.connected) { socket.connect(); }
    setTimeout(applyDeferred, 0);
    var target = detail.elt.getAttribute("hx-target") || "";
    if (saved && target.indexOf("#section-") === 0) {
      var message = document.getElementById("message-" + target.slice(9));
      if (message) { message.replaceChildren(); }
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var key = event.detail.elt.dataset.key;
    event.detail.elt.dataset.sending = "1";
    if (!key || !inflight[key]) { return; }
    pending.push({ key: key, change: inflight[key] });
    delete inflight[key];
    showPending();
  });

  function retryPending() {
    pending.forEach(function (item) {
      htmx.ajax("POST", item.change.path, {
        values: item.change.values,
        headers: { "Idempotency-Key": item.key },
        target: item.change.target || "#section-status",
        swap: "outerHTML"
      });
    });
  }

  // The sender's own answer was rendered before a push this screen already shows: that push
  // holds the change too (it was made after it), so the older answer must not replace it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var target = event.detail.target && event.detail.target.id;
    if (!xhr || xhr.status !== 200) { return; }
    var seq = parseInt(xhr.getResponseHeader("X-Board-Seq") || "", 10);
    var item = xhr.getResponseHeader("X-Board-Item");
    if (item) {
      // An item answered alone is put in as its push is: in place, or new into its list, and
      // never over a newer rendering of it or of its section.
      event.detail.shouldSwap = false;
      takeItem(seq, {
        id: item,
        section: xhr.getResponseHeader("X-Board-Section"),
        list: xhr.getResponseHeader("X-Board-List") || null,
        html: xhr.responseText
      });
      return;
    }
    if (target && target.indexOf("section-") === 0 && seq < (sectionSeq[target.slice(8)] || 0)) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // The sender's own answer is at least as fresh as a push held back for that section.
    var swapped = event.detail.target && event.detail.target.id;
    if (swapped) { delete deferred[swapped]; }
    if (swapped && swapped.indexOf("section-") === 0) {
      reapplyItems(swapped.slice(8), parseInt(event.detail.xhr.getResponseHeader("X-Board-Seq") || "", 10));
    }
    markMine(event.detail.target.parentElement || document);
    showEditors(document);
    // A refusal is shown above its section: bring it into view if the form was far below.
    var target = event.detail.target;
    if (target.classList && target.classList.contains("section-message") && target.textContent.trim()) {
      var place = target.getBoundingClientRect();
      if (place.top < 0 || place.bottom > window.innerHeight) { target.scrollIntoView({ block: "center" }); }
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("[data-cell]")) { event.target.dataset.dirty = "1"; }
  });

  function editing(event, on) {
    var cell = event.target.closest && event.target.closest("[data-cell]");
    if (cell && socket && socket.connected) {
      socket.emit("board:editing", { cell: cell.dataset.cell, editing: on });
    }
  }
  document.addEventListener("focusin", function (event) { editing(event, true); });
  document.addEventListener("focusout", function (event) {
    editing(event, false);
    setTimeout(applyDeferred, 0);  // after the cell's own save (if any) has started
  });

  function connect() {
    markMine(document);
    if (body.dataset.live !== "1") {  // an ended (or not yet open) meeting: nothing will change
      var box = document.getElementById("connection");
      if (box) { box.hidden = true; }
      return;
    }
    socket = io({ auth: { meeting: meetingId } });
    var syncAgain = null;
    function sync() {
      clearTimeout(syncAgain);
      socket.emit("board:sync", { since: lastSeq }, function (answer) {
        if (!answer || answer.ok) { return; }
        // Refused for now (too many messages, or a catch-up already on its way): ask again when
        // the server says; refused for good: say why.
        if (typeof answer.retry_after === "number") {
          syncAgain = setTimeout(function () { if (socket.connected) { sync(); } }, answer.retry_after * 1000);
        } else if (answer.error) {
          announce(answer.error);
        }
      });
    }
    socket.on("connect", function () {
      showConnection("connected");
      sync();
      retryPending();
    });
    socket.on("disconnect", function () { showConnection(navigator.onLine ? "reconnecting" : "offline"); });
    socket.on("connect_error", function () {
      showConnection(navigator.onLine ? "reconnecting" : "offline");
      // A refusal (say, the meeting was not open yet) is not retried by socket.io itself.
      if (!socket.active) { setTimeout(function () { if (!socket.connected) { socket.connect(); } }, 3000); }
    });
    socket.on("board:update", function (message) {
      noteSeq(message.seq);
      Object.keys(message.sections || {}).forEach(function (name) {
        if (typeof message.seq === "number") {
          if (message.seq < (sectionSeq[name] || 0)) { return; }  // older than what is shown
          sectionSeq[name] = message.seq;
        }
        replaceSection(name, message.sections[name], message.seq);
      });
      (message.items || []).forEach(function (item) { takeItem(message.seq, item); });
    });
    socket.on("board:editing", function (message) {
      if (message.editing) { editors[message.cell] = message.name; } else { delete editors[message.cell]; }
      var label = document.querySelector('[data-cell="' + CSS.escape(message.cell) + '"] .editing-by');
      if (label) {
        label.textContent = message.editing ? body.dataset.textEditing.replace("{name}", message.name) : "";
      }
    });
    socket.on("board:removed", function () {
      socket.disconnect();
      document.querySelectorAll(".board-grid form, .board-status form").forEach(function (form) { form.remove(); });
      var box = document.getElementById("connection");
      if (box) { box.dataset.state = "removed"; box.textContent = body.dataset.textRemoved; }
    });
  }

  window.addEventListener("offline", function () { showConnection("offline"); });
  window.addEventListener("online", function () { showConnection("reconnecting"); });
  document.addEventListener("DOMContentLoaded", connect);
})();
