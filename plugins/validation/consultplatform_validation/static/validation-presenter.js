/* The presenter's poll: every two seconds ask the round's state (ETag: the server
   answers 304 when nothing changed); a new revision (another tab moved on, voting
   opened or revealed) reloads the page, a new count updates the figures in place. */
(function () {
  "use strict";
  var root = document.getElementById("presenter");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-state-url");
  var revision = root.getAttribute("data-revision");
  var every = parseInt(root.getAttribute("data-poll"), 10) || 2000;
  var etag = null;

  function show(state) {
    if (String(state.revision) !== revision) { window.location.reload(); return; }
    var cast = document.getElementById("presenter-cast");
    if (cast && cast.textContent !== String(state.cast)) { cast.textContent = String(state.cast); }
    if (!state.counts) { return; }
    var rows = document.querySelectorAll("#presenter-chart tr[data-verdict]");
    Array.prototype.forEach.call(rows, function (row) {
      var code = row.getAttribute("data-verdict");
      var share = state.shares[code] || 0;
      row.querySelector(".presenter-count").textContent = String(state.counts[code] || 0);
      row.querySelector(".presenter-share").textContent = share + "%";
      row.querySelector("rect").setAttribute("width", String(share));
    });
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { return null; }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) { if (state) { show(state); } })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
}());
