// The passport's link: "Share…" opens the phone's share sheet (navigator.share, where the
// browser has it), "Copy link" puts it on the clipboard; without either the link stays in a
// field to select. Texts come from the page's data attributes, already translated.
(function () {
  "use strict";
  document.querySelectorAll("[data-share]").forEach(function (box) {
    var url = box.getAttribute("data-url");
    var field = box.querySelector("input");
    var copy = box.querySelector("[data-copy]");
    var share = box.querySelector("[data-share-button]");
    var status = box.querySelector("[data-status]");

    function say(text) { status.textContent = text; }

    function selectField() {
      field.focus();
      field.select();
      say(box.getAttribute("data-select"));
    }

    function copyLink() {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () {
          say(box.getAttribute("data-copied"));
        }, selectField);
      } else {
        selectField();
      }
    }

    copy.hidden = false;
    copy.addEventListener("click", copyLink);
    if (navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: box.getAttribute("data-title"), url: url }).catch(function (error) {
          if (!error || error.name !== "AbortError") copyLink();
        });
      });
    }
  });
})();
