// On every page: registers the service worker (sw.js), says when a page is a copy kept for
// offline use, empties the kept pages once nobody is signed in, and (on the pages that list it)
// shows this student's entries waiting on the phone and sends them when the connection returns.
(function () {
  "use strict";
  var meta = document.querySelector("meta[name=offline-user]");
  var user = meta ? meta.content : null;
  var lang = document.documentElement.lang || "id";

  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" });

  if (!user && window.caches) {
    caches.keys().then(function (names) {
      names.forEach(function (name) { if (name.indexOf("eduplatform-") === 0) caches.delete(name); });
    });
  }

  var cachedAt = document.documentElement.getAttribute("data-cached-at");
  var banner = document.getElementById("offline-banner");
  if (cachedAt && banner && window.Intl) {
    var when = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" })
      .format(new Date(cachedAt));
    banner.textContent = banner.getAttribute("data-text").replace("{when}", when);
    banner.hidden = false;
  }

  var queue = window.eduQueue;
  var box = document.getElementById("offline-queue");
  if (!queue || !user) return;

  function text(name) { return box ? box.getAttribute("data-" + name) : ""; }
  function say(message) { var s = document.getElementById("offline-status"); if (s) s.textContent = message; }

  function item(entry) {
    var li = document.createElement("li");
    li.className = "queued " + entry.state;
    li.setAttribute("data-key", entry.key);
    var head = document.createElement("p");
    var name = document.createElement("strong");
    name.textContent = entry.unit;
    head.appendChild(name);
    var date = entry.performed_on ? new Intl.DateTimeFormat(lang, { dateStyle: "long" })
      .format(new Date(entry.performed_on + "T00:00:00")) : "";
    head.appendChild(document.createTextNode(" · " + date + " · " +
      (Number(entry.hours) === 1 ? text("one-hour") : text("hours").replace("{hours}", entry.hours)) + (entry.photo ? " · " + text("photo") : "")));
    li.appendChild(head);
    var state = document.createElement("p");
    state.className = entry.state === "refused" ? "error" : "status-waiting";
    state.textContent = entry.state === "refused"
      ? text("refused").replace("{reason}", entry.reason) : text("waiting");
    li.appendChild(state);
    var actions = document.createElement("p");
    actions.className = "actions";
    if (entry.state === "refused") {
      var change = document.createElement("a");
      change.className = "button";
      change.href = entry.url + "?entry=" + encodeURIComponent(entry.key);
      change.textContent = text("change");
      actions.appendChild(change);
    }
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button";
    discard.textContent = text("discard");
    discard.addEventListener("click", function () { queue.remove(entry.key).then(show); });
    actions.appendChild(discard);
    li.appendChild(actions);
    return li;
  }

  function show() {
    if (!box) return Promise.resolve([]);
    return queue.all(user).then(function (entries) {
      var list = document.getElementById("offline-entries");
      list.replaceChildren.apply(list, entries.map(item));
      box.hidden = entries.length === 0 && !document.getElementById("offline-status").textContent;
      document.getElementById("offline-send").hidden = !entries.some(function (e) {
        return e.state === "waiting";
      });
      return entries;
    });
  }

  // Whether an entry that waited is gone from the queue: sent (a refused one stays, shown).
  function sentMeanwhile(before, after) {
    var left = {};
    after.forEach(function (e) { left[e.key] = true; });
    return before.some(function (e) { return e.state === "waiting" && !left[e.key]; });
  }

  function send() {
    return queue.all(user).then(function (before) {
      return queue.sendAll().then(function (result) {
        if (result.signedOut) say(text("signed-out"));
        return queue.all(user).then(function (after) {
          // Sent by this page, or by the service worker while this page waited its turn.
          if (result.sent || (!result.signedOut && sentMeanwhile(before, after))) {
            try { sessionStorage.setItem("eduplatform-sent", "1"); } catch (e) { /* private mode */ }
            window.location.reload(); // the page's own state now shows the record waiting for review
            return;
          }
          return show();
        });
      });
    });
  }

  // The log form (log.js) hands over what it could not send.
  function keep(form) {
    var photo = form.querySelector("input[type=file]");
    var file = photo && photo.files && photo.files[0];
    var entry = {
      key: form.elements.idempotency_key.value,
      owner: user,
      url: window.location.pathname,
      unit: form.getAttribute("data-unit"),
      performed_on: form.elements.performed_on.value,
      hours: form.elements.hours.value,
      note: form.elements.note.value,
      photo: file || null,
      photoName: file ? file.name : null,
      state: "waiting",
      created: Date.now(),
    };
    return queue.put(entry).then(function () {
      // The whole card goes, not only the form: an empty card would stay on the page.
      (form.closest(".log-form") || form).hidden = true;
      say(text("saved"));
      if (navigator.serviceWorker) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) return registration.sync.register("send-queue");
        }).catch(function () { /* no Background Sync: sent on the next page open or "send now" */ });
      }
      return show();
    });
  }

  queue.offline = function (form) {
    if (navigator.onLine !== false) return false;
    keep(form);
    return true;
  };
  // No answer, a server error, or the session ended (401): the entry waits on the phone.
  queue.keep = function (form, status) {
    if (!(status === 0 || status === 401 || status >= 500)) return false;
    keep(form);
    return true;
  };

  if (box) {
    try {
      if (sessionStorage.getItem("eduplatform-sent")) {
        sessionStorage.removeItem("eduplatform-sent");
        say(text("sent"));
      }
    } catch (e) { /* private mode */ }
    document.getElementById("offline-send").addEventListener("click", send);
    window.addEventListener("online", send);
    show().then(function (entries) {
      if (navigator.onLine !== false && entries.some(function (e) { return e.state === "waiting"; })) send();
    });
  }
})();
