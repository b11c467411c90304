// Buttons marked data-print open the browser's print dialog (no inline scripts: CSP). They are
// rendered hidden and shown here, once they work; without this script the browser's own menu prints.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
  button.hidden = false;
});
