// Plain forms that undo something ask first: <form data-confirm="Cancel this meeting?">. The
// question is the server's translated text; an inline onsubmit= would break the strict CSP.

/** Ask the form's question before it is sent; "no" keeps it from being sent. */
export function askBeforeSubmitting() {
  document.addEventListener("submit", (event) => {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
}
