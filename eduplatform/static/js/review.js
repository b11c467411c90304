// The review form: counts the ticked assessment criteria, and while some are not ticked the
// verify button says "Approve anyway" and first opens the reason field. Without this script
// the server asks for the reason in the same words.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) return;
  var total = parseInt(form.getAttribute("data-total"), 10) || 0;
  var boxes = form.querySelectorAll("input[name=criteria]");
  var count = document.getElementById("criteria-count");
  var verify = document.getElementById("verify-button");
  var override = form.querySelector("details.override");
  var reason = form.querySelector("textarea[name=override_reason]");
  var template = count ? count.getAttribute("data-template") : "";
  var lang = document.documentElement.lang || "id";
  var numbers = new Intl.NumberFormat(lang);

  function ticked() {
    var n = 0;
    boxes.forEach(function (box) { if (box.checked) n += 1; });
    return n;
  }

  function update() {
    var n = ticked();
    if (count && template) count.textContent = template.replace("{n}", numbers.format(n));
    var all = n === total;
    verify.textContent = all ? form.getAttribute("data-verify") : form.getAttribute("data-verify-anyway");
    verify.classList.toggle("anyway", !all);
  }

  boxes.forEach(function (box) { box.addEventListener("change", update); });
  if (total) update();

  // Said under the reason field when "Approve anyway" is pressed without one.
  var hint = null;

  function needReason() {
    if (!hint) {
      hint = document.createElement("p");
      hint.className = "error";
      hint.id = "override-reason-needed";
      hint.setAttribute("role", "alert");
      reason.insertAdjacentElement("afterend", hint);
      var described = reason.getAttribute("aria-describedby");
      reason.setAttribute("aria-describedby", (described ? described + " " : "") + hint.id);
    }
    hint.textContent = form.getAttribute("data-reason-needed");
    hint.hidden = false;
  }

  // Feedback is required to send a record back, not to verify it: once the teacher turns to
  // verifying, the page's "write feedback" error (from a refused rejection) no longer applies.
  function forgetRejectionError() {
    var feedback = form.querySelector("[name=feedback]");
    var error = document.getElementById(feedback ? feedback.id + "-error" : "");
    if (!feedback || !error) return;
    error.remove();
    feedback.removeAttribute("aria-invalid");
    var described = (feedback.getAttribute("aria-describedby") || "").split(" ")
      .filter(function (id) { return id && id !== error.id; }).join(" ");
    if (described) feedback.setAttribute("aria-describedby", described);
    else feedback.removeAttribute("aria-describedby");
    var wrapper = feedback.closest(".field");
    if (wrapper) wrapper.classList.remove("has-error");
  }

  verify.addEventListener("click", function (event) {
    forgetRejectionError();
    if (!total || ticked() === total || !reason || reason.value.trim()) return;
    event.preventDefault();
    if (override) override.open = true;
    needReason();
    reason.focus();
  });
  if (reason) {
    reason.addEventListener("input", function () {
      if (hint) hint.hidden = Boolean(reason.value.trim());
    });
  }
})();
