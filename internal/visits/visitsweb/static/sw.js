// The visit pages' service worker (scope /visits): with no network, a visit
// page is answered with the offline page kept in the cache, whose script
// opens households from the package and queues visits on the phone. With
// the network every request goes to the server as usual; only the package
// is copied into the cache as it passes. The page's script puts the
// offline page, the scripts and the stylesheet into the cache itself.
'use strict';
var CACHE = 'shequ-visits-v1';
var SHELL = '/visits/offline';
var PACKAGE = '/visits/offline.json';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (e) { e.waitUntil(self.clients.claim()); });

function cached(key) {
  return caches.open(CACHE).then(function (c) { return c.match(key); })
    .then(function (r) { return r || Response.error(); });
}

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  var visitPage = url.pathname === '/visits' || url.pathname.indexOf('/visits/') === 0;
  if (req.mode === 'navigate' && visitPage) {
    e.respondWith(fetch(req).catch(function () { return cached(SHELL); }));
    return;
  }
  if (url.pathname === PACKAGE) {
    e.respondWith(fetch(req).then(function (resp) {
      if (resp.ok) {
        var copy = resp.clone();
        caches.open(CACHE).then(function (c) { return c.put(PACKAGE, copy); });
      }
      return resp;
    }).catch(function () { return cached(PACKAGE); }));
    return;
  }
  if (url.pathname.indexOf('/static/') === 0) {
    e.respondWith(caches.open(CACHE).then(function (c) { return c.match(req); })
      .then(function (r) { return r || fetch(req); }));
  }
});
