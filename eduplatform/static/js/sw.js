// The service worker: a student's own pages open without a signal, and the offline queue is
// sent when the connection returns (Background Sync where the browser has it).
// Hand-written and small on purpose (no library): it does three things.
// 1. Pages: network first. A page the server marks with X-Offline-Cache is kept in a cache named
//    after the account in X-Offline-User (a copy stamped with the time, for "last refreshed").
//    A page of another account empties the other accounts' caches; a page without an account
//    (the sign-in page after signing out, or after the session ended) empties every cache.
//    Without a connection, the kept copy is shown.
// 2. Static files (styles, scripts, icons): network first, a copy for offline use.
// 3. The queue: the "sync" event sends it (queue.js, the same code the pages use).
"use strict";
importScripts("/static/js/queue.js");

var PAGES = "eduplatform-pages-";
var STATIC = "eduplatform-static";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function ours(name) { return name.indexOf(PAGES) === 0 || name === STATIC; }

// Every cache of ours, or (with `user`) the other accounts' pages.
function forget(user) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return user ? name.indexOf(PAGES) === 0 && name !== PAGES + user : ours(name);
    }).map(function (name) { return caches.delete(name); }));
  });
}

function keepPage(user, request, response) {
  var headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return response.text().then(function (html) {
    var stamped = html.replace("<html ", '<html data-cached-at="' + new Date().toISOString() + '" ');
    return caches.open(PAGES + user).then(function (cache) {
      return cache.put(request.url, new Response(stamped, { status: 200, headers: headers }));
    });
  });
}

function page(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    var user = response.headers.get("X-Offline-User");
    var html = (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
    var work = Promise.resolve();
    if (!user && html) {
      work = forget(null);
    } else if (user) {
      work = forget(user);
      if (response.ok && response.headers.get("X-Offline-Cache")) {
        var copy = response.clone();
        work = work.then(function () { return keepPage(user, request, copy); });
      }
    }
    event.waitUntil(work);
    return response;
  }, function () {
    return caches.keys().then(function (names) {
      var name = names.filter(function (n) { return n.indexOf(PAGES) === 0; })[0];
      if (!name) return Response.error();
      return caches.open(name).then(function (cache) {
        return cache.match(request.url).then(function (found) {
          return found || cache.match(request.url, { ignoreSearch: true });
        });
      }).then(function (found) { return found || Response.error(); });
    });
  });
}

function asset(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      event.waitUntil(caches.open(STATIC).then(function (cache) { return cache.put(request, copy); }));
    }
    return response;
  }, function () {
    return caches.match(request, { cacheName: STATIC }).then(function (found) {
      return found || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") event.respondWith(page(event));
  else if (url.pathname.indexOf("/static/") === 0) event.respondWith(asset(event));
});

self.addEventListener("message", function (event) {
  if (event.data === "forget") event.waitUntil(forget(null));
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "send-queue") return;
  event.waitUntil(self.eduQueue.sendAll().then(function (result) {
    if (result.retry) throw new Error("some entries are still waiting for a connection");
  }));
});
