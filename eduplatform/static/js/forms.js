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

  // "Select all": a checkbox with data-select-all="<name>" ticks or clears every checkbox of
  // that name in its form, and shows whether all, some or none are ticked. It is hidden in the
  // page (without this script it could do nothing) and shown here.
  document.querySelectorAll("input[type=checkbox][data-select-all]").forEach(function (all) {
    var form = all.form;
    if (!form) return;
    var name = all.getAttribute("data-select-all");
    function boxes() {
      return Array.prototype.filter.call(form.elements, function (element) {
        return element.type === "checkbox" && element.name === name && !element.disabled;
      });
    }
    function reflect() {
      var ticked = boxes().filter(function (box) { return box.checked; }).length;
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
    }
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
    form.addEventListener("change", function (event) {
      if (event.target !== all && event.target.name === name) reflect();
    });
    var holder = all.closest("[hidden]");
    if (holder) holder.hidden = false;
    all.hidden = false;
    reflect();
  });
})();

// A time typed in a zone chosen on the same form: the times' labels name the zone
// (<span data-zone-of="<select name>">), and follow the choice (the select's data-zone-labels:
// {zone: "WIB (UTC+7)"}). Without this script they name the zone the page was sent with.
(function () {
  "use strict";
  document.querySelectorAll("select[data-zone-labels]").forEach(function (select) {
    var labels;
    try {
      labels = JSON.parse(select.getAttribute("data-zone-labels"));
    } catch (error) {
      return;
    }
    if (!select.form) return;
    select.addEventListener("change", function () {
      var text = labels[select.value];
      if (!text) return;
      select.form.querySelectorAll("[data-zone-of]").forEach(function (span) {
        if (span.getAttribute("data-zone-of") === select.name) span.textContent = text;
      });
    });
  });
})();
