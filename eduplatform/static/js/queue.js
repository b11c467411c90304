// The offline queue: log entries kept on the phone (IndexedDB) until they can be sent, used by
// the pages (log.js, offline.js) and by the service worker (Background Sync).
// Each entry carries its idempotency key (sending it twice makes one record) and its owner, the
// account that made it. Before sending, the queue asks the server who is signed in and for a
// fresh CSRF token (/offline/session): it sends only the owner's entries, as that owner, with a
// token of the current session; the server checks the token, the session, and that the owner
// named in the entry is the signed-in student. An entry the server refuses (the unit already
// verified, waiting or locked; a rule such as a future date) keeps the server's reason.
(function (scope) {
  "use strict";
  var DB = "eduplatform-queue";
  var STORE = "entries";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request.result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function put(entry) { return run("readwrite", function (s) { return s.put(entry); }); }
  function get(key) { return run("readonly", function (s) { return s.get(key); }); }
  function remove(key) { return run("readwrite", function (s) { return s.delete(key); }); }
  function all(owner) {
    return run("readonly", function (s) { return s.getAll(); }).then(function (entries) {
      return entries.filter(function (e) { return e.owner === owner; })
        .sort(function (a, b) { return a.created - b.created; });
    });
  }

  // One entry: "sent", "refused" (kept with the server's reason), or "retry" (no connection,
  // a server error, or the session ended: it stays waiting).
  function sendOne(entry, token) {
    var body = new FormData();
    body.append("csrf_token", token);
    body.append("idempotency_key", entry.key);
    body.append("owner", entry.owner);
    body.append("performed_on", entry.performed_on);
    body.append("hours", entry.hours);
    body.append("note", entry.note);
    if (entry.photo) body.append("photo", entry.photo, entry.photoName || "photo.jpg");
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.status === 200 || response.status === 201) {
          return remove(entry.key).then(function () { return "sent"; });
        }
        if ([400, 404, 409, 422].indexOf(response.status) >= 0) {
          entry.state = "refused";
          var named = (answer.errors || []).map(function (e) {
            return e.label ? e.label + ": " + e.message : e.message;
          });
          entry.reason = named.join(" ") || answer.detail || answer.title || String(response.status);
          return put(entry).then(function () { return "refused"; });
        }
        return "retry";
      });
    }, function () { return "retry"; });
  }

  // Send every waiting entry of the signed-in student, one after another.
  // The page ("online", "Send now", a page open) and the service worker (Background Sync)
  // may start sending at the same moment the connection returns: one sender at a time, so
  // the second finds what the first sent already gone and each entry is posted once.
  function sendAll() {
    var locks = scope.navigator && scope.navigator.locks;
    if (locks && locks.request) return locks.request("eduplatform-offline-queue", sendWaiting);
    return sendWaiting();
  }

  function sendWaiting() {
    var result = { sent: 0, refused: 0, retry: 0, signedOut: false };
    return fetch("/offline/session", {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
    }).then(function (response) {
      if (response.status !== 200) { result.signedOut = true; return null; }
      return response.json();
    }).then(function (session) {
      if (!session) return result;
      return all(session.user).then(function (entries) {
        return entries.filter(function (e) { return e.state === "waiting"; })
          .reduce(function (chain, entry) {
            return chain.then(function () {
              return sendOne(entry, session.csrf_token).then(function (outcome) { result[outcome] += 1; });
            });
          }, Promise.resolve());
      }).then(function () { return result; });
    }, function () { result.retry += 1; return result; });
  }

  function newKey() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    scope.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  scope.eduQueue = { put: put, get: get, remove: remove, all: all, sendAll: sendAll, newKey: newKey };
})(self);
