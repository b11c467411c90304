// Buttons marked data-copy="#field" copy that field's text and say so (no inline scripts: CSP).
// They are rendered hidden and shown here, once they work: without this script the field is
// still there to select, and a button that does nothing is never offered.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var field = document.querySelector(button.getAttribute("data-copy"));
  var status = button.closest(".field").querySelector("[data-copy-status]");
  function say(text) { if (status) { status.textContent = text; } }
  button.hidden = false;
  button.addEventListener("click", function () {
    field.focus();
    field.select();
    var copied = function () { say(button.getAttribute("data-copied")); };
    var failed = function () { say(button.getAttribute("data-copy-failed")); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(copied, failed);
    } else {
      try { (document.execCommand("copy") ? copied : failed)(); } catch (e) { failed(); }
    }
  });
});
