// On every page: a form sent twice in a moment (a double click or a second tap on its button
// while the first is on its way) is sent once. A page's own script that sends a form itself
// (the unit log) has already stopped the browser's submission and is left alone. After a few
// seconds the form sends again: a download leaves the page where it is, and a slow connection
// must not keep a form locked for good.
(function () {
  "use strict";
  var AGAIN_AFTER_MS = 4000;

  // On the window: it hears a submission after every listener of the page and the document.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || form.target) return;
    var now = Date.now();
    var sentAt = Number(form.getAttribute("data-sent-at") || 0);
    if (now - sentAt < AGAIN_AFTER_MS) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent-at", String(now));
  });

  // A page brought back with the Back button is the one that sent the form: it may send again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent-at]").forEach(function (form) {
      form.removeAttribute("data-sent-at");
    });
  });
})();
