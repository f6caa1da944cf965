/* What Flask-Admin did with inline onclick handlers, which the admin's
   Content-Security-Policy does not run: the "with selected" actions and the
   confirmation before deleting a record. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-cp-action]");
    if (action && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(action.getAttribute("data-cp-action"));
      return;
    }
    if (event.target.closest("a[href='#']")) {
      // Menu toggles and filter links (Flask-Admin's javascript:void(0), which the
      // policy blocks): their own scripts act, the page does not jump.
      event.preventDefault();
    }
    var asking = event.target.closest("[data-cp-confirm]");
    if (asking && !window.confirm(asking.getAttribute("data-cp-confirm"))) {
      event.preventDefault();
    }
  });
})();
