// Photos in inputs marked data-shrink are made smaller in the browser before they are sent:
// a phone camera's 8 MB photo becomes a few hundred KB, which a weak connection uploads in
// seconds. The server re-encodes whatever it gets to at most 1600 px; without this script
// (or in a browser that cannot do it) the original is sent as it is, up to 15 MB.
(function () {
  "use strict";
  var MAX_SIDE = 1600;
  var QUALITY = 0.85;
  var WORTH_IT = 1024 * 1024; // smaller files are sent untouched

  function megabytes(bytes) {
    var lang = document.documentElement.lang || "id";
    return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(bytes / 1048576) + " MB";
  }

  function shrink(file) {
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); });
    });
  }

  document.querySelectorAll("input[type=file][data-shrink]").forEach(function (input) {
    var status = document.getElementById(input.getAttribute("data-shrink-status"));
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (status) status.textContent = "";
      if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type) || file.size < WORTH_IT) return;
      if (!window.createImageBitmap || !window.DataTransfer || !window.Intl) return;
      var buttons = input.form ? input.form.querySelectorAll("button[type=submit]") : [];
      buttons.forEach(function (button) { button.disabled = true; });
      if (status) status.textContent = input.getAttribute("data-shrink-working");
      shrink(file).then(function (blob) {
        if (!blob || blob.size >= file.size) {
          if (status) status.textContent = "";
          return;
        }
        var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
        var smaller = new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
        var list = new DataTransfer();
        list.items.add(smaller);
        input.files = list.files;
        if (status) {
          status.textContent = input.getAttribute("data-shrink-done")
            .replace("{before}", megabytes(file.size))
            .replace("{after}", megabytes(smaller.size));
        }
      }).catch(function () {
        if (status) status.textContent = ""; // the original is sent as it is
      }).then(function () {
        buttons.forEach(function (button) { button.disabled = false; });
      });
    });
  });
})();
