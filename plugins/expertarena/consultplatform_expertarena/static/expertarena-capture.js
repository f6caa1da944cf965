/* The capture form, keyboard first: the theme checkboxes are one Tab stop (the
   arrow keys move between them, Space ticks), like the radio groups around them,
   so Tab goes text -> category -> themes -> ... without a stop per theme.
   Without this script every checkbox is its own Tab stop, as browsers do. */
(function () {
  "use strict";
  function rove(group) {
    var boxes = Array.prototype.slice.call(group.querySelectorAll("input[type=checkbox]"));
    if (boxes.length < 2) { return; }
    function settle(current) {
      boxes.forEach(function (box) { box.tabIndex = box === current ? 0 : -1; });
    }
    settle(boxes.filter(function (box) { return box.checked; })[0] || boxes[0]);
    group.addEventListener("keydown", function (event) {
      var at = boxes.indexOf(document.activeElement);
      if (at < 0) { return; }
      var step = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1}[event.key];
      var next = event.key === "Home" ? 0 : event.key === "End" ? boxes.length - 1 :
        step ? (at + step + boxes.length) % boxes.length : null;
      if (next === null) { return; }
      event.preventDefault();
      settle(boxes[next]);
      boxes[next].focus();
    });
    group.addEventListener("focusin", function (event) {
      if (boxes.indexOf(event.target) >= 0) { settle(event.target); }
    });
  }
  document.querySelectorAll("fieldset.cp-roving").forEach(rove);
})();
