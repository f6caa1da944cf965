/* The room: while a page waits for the next item (or shows one), ask every three
   seconds which item is being voted on, and reload when it changed. Without
   JavaScript the page's button does the same. */
(function () {
  "use strict";
  var room = document.querySelector("[data-room-state]");
  if (!room || !window.fetch) { return; }
  var url = room.getAttribute("data-room-state");
  var shown = room.getAttribute("data-room-item") || "";
  function check() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        var now = state.item === null ? "" : String(state.item);
        if (now !== shown || !state.open) {
          window.location.href = window.location.pathname;
        }
      })
      .catch(function () { /* try again at the next tick */ });
  }
  window.setInterval(check, 3000);
}());
