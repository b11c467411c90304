// The unit log form is sent by this script rather than by the browser, so that the student sees
// it sending (with the photo's progress on a weak connection), cannot send it twice with a
// second tap, and keeps the chosen photo when the server refuses the form: the refused form
// comes back as HTML, replaces this one, and the very same file input (with its file) is put
// back in it. Without this script the form is sent as usual and the page says to choose the
// photo again. When the phone cannot reach the server, window.eduQueue (queue.js) keeps the
// entry on the phone, if that script is on the page.
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) return;
  var sending = false;

  function $(id) { return document.getElementById(id); }

  function show(form, text, percent) {
    var box = $("send-state");
    if (!box) return;
    box.hidden = text === null;
    $("send-text").textContent = text || "";
    if (percent === null) $("send-progress").removeAttribute("value");
    else $("send-progress").value = percent;
  }

  function percentText(loaded, total) {
    var lang = document.documentElement.lang || "id";
    return new Intl.NumberFormat(lang, { style: "percent" }).format(total ? loaded / total : 0);
  }

  function lock(form, locked) {
    sending = locked;
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = locked;
      button.setAttribute("aria-busy", locked ? "true" : "false");
    });
  }

  // The refused form replaces this one; the photo the student chose is carried over, unless
  // the photo itself was what the server refused.
  function replaceWithRefused(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
    var main = $("main");
    var photo = $("photo");
    if (photo) photo.remove();
    main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes).map(function (node) {
      return document.adoptNode(node);
    }));
    var slot = $("photo");
    if (slot && photo && photo.files && photo.files.length && !slot.getAttribute("aria-invalid")) {
      slot.replaceWith(photo);
      var again = $("photo-again");
      if (again) {
        again.className = "help";
        again.textContent = again.getAttribute("data-kept").replace("{name}", photo.files[0].name);
      }
    }
    var first = main.querySelector("[aria-invalid=true], .flash-error, .flash-warning, .flash-info");
    if (first) {
      if (!first.hasAttribute("tabindex") && !/^(INPUT|TEXTAREA|SELECT)$/.test(first.tagName)) {
        first.setAttribute("tabindex", "-1");
      }
      first.focus();
    }
  }

  function failed(form, request) {
    lock(form, false);
    if (window.eduQueue && window.eduQueue.keep(form, request.status)) return;
    show(form, form.getAttribute("data-failed"), 0);
  }

  function send(form) {
    var request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("action") || window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.setRequestHeader("Accept", "text/html");
    request.upload.onprogress = function (event) {
      if (!event.lengthComputable) return;
      show(form, form.getAttribute("data-progress").replace("{percent}",
        percentText(event.loaded, event.total)), Math.round(100 * event.loaded / event.total));
    };
    request.onload = function () {
      var type = request.getResponseHeader("Content-Type") || "";
      if (request.status === 200 && type.indexOf("application/json") === 0) {
        var next = JSON.parse(request.responseText).redirect;
        var key = form.elements.idempotency_key.value;
        // An entry of the offline queue, changed and sent here, leaves the queue.
        var done = window.eduQueue ? window.eduQueue.remove(key) : Promise.resolve();
        done.then(function () { window.location.assign(next); }, function () { window.location.assign(next); });
      } else if (request.status === 422) {
        lock(form, false);
        replaceWithRefused(request.responseText);
      } else {
        failed(form, request);
      }
    };
    request.onerror = request.ontimeout = request.onabort = function () { failed(form, request); };
    lock(form, true);
    show(form, form.getAttribute("data-sending"), null);
    request.send(new FormData(form));
  }

  // A key of this entry's own: a page kept for offline use is opened again and again, each
  // entry must still be new. "Change" on a queued entry (?entry=key) brings it back here.
  function prepare(form) {
    if (!form || !window.eduQueue) return;
    form.elements.idempotency_key.value = window.eduQueue.newKey();
    var asked = new URLSearchParams(window.location.search).get("entry");
    if (!asked) return;
    window.eduQueue.get(asked).then(function (entry) {
      var meta = document.querySelector("meta[name=offline-user]");
      if (!entry || !meta || entry.owner !== meta.content) return;
      form.elements.idempotency_key.value = entry.key;
      form.elements.performed_on.value = entry.performed_on;
      form.elements.hours.value = entry.hours;
      form.elements.note.value = entry.note;
      if (entry.photo && window.DataTransfer) {
        var list = new DataTransfer();
        list.items.add(new File([entry.photo], entry.photoName || "photo.jpg", { type: entry.photo.type }));
        $("photo").files = list.files;
      }
    });
  }
  prepare($("log-form"));

  // On the document: the form is replaced after a refusal, the listener stays.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "log-form") return;
    event.preventDefault();
    if (sending) return; // a second tap while the first is on its way
    if (window.eduQueue && window.eduQueue.offline(form)) return;
    send(form);
  });
})();
