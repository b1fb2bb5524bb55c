// fttm's one small bridge file: what htmx does not do by itself. No inline script anywhere (CSP).
(function () {
  "use strict";

  // Tell the person when an htmx request fails (messages come translated, from <body data-*>), instead of silently doing nothing.
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
    announce(detail ? detail.textContent : document.body.dataset.errorText);
  });

  // Forms that undo something ask first: <form data-confirm="Cancel this meeting?">.
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  document.addEventListener("htmx:sendError", function () {
    announce(document.body.dataset.offlineText);
  });
})();
