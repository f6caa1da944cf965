/* The workshop board, live: every 2.5 s ask /state for the board's revision (with
   the ETag, so an unchanged board costs a 304); when it moved, fetch the board and
   swap #board-region in place (from /region: the changing part alone). Kept across the swap: the keyboard focus (by element
   id, with the caret), the open disclosures, and every form someone has typed in
   (all its fields, the hidden version too, so a save still meets the version check).
   Without this script the board is the same page, reloaded by its forms. */
(function () {
  "use strict";
  var region = document.getElementById("board-region");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  var live = document.getElementById("board-live");
  var stateUrl = region.getAttribute("data-state-url");
  var regionUrl = region.getAttribute("data-region-url");
  var revision = region.getAttribute("data-revision");
  var etag = null;
  var touched = {};  // ids of forms someone typed in, since the page loaded
  var busy = false;
  var leaving = false;  // a form was sent: the next page is on its way
  var INTERVAL = 2500;

  function formOf(el) {
    return el && el.form ? el.form : null;
  }

  document.addEventListener("input", function (event) {
    var form = formOf(event.target);
    if (form && form.id) { touched[form.id] = true; }
  });
  document.addEventListener("change", function (event) {
    var form = formOf(event.target);
    if (form && form.id) { touched[form.id] = true; }
  });
  document.addEventListener("submit", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });

  function fieldsOf(root, formId) {
    var form = root.querySelector("#" + CSS.escape(formId));
    if (!form) { return []; }
    var own = Array.prototype.slice.call(form.querySelectorAll("input, select, textarea"));
    var tied = Array.prototype.slice.call(
      root.querySelectorAll('[form="' + formId.replace(/"/g, "") + '"]'));
    return own.concat(tied);
  }

  function keyOf(field) {
    // Checkboxes of one name differ by value; other fields by name (or id).
    if (field.type === "checkbox" || field.type === "radio") {
      return (field.id || field.name) + "=" + field.value;
    }
    return field.name || field.id;
  }

  function remember() {
    var saved = {forms: {}, open: [], focus: null, caret: null};
    Object.keys(touched).forEach(function (formId) {
      var values = {};
      fieldsOf(region, formId).forEach(function (field) {
        if (field.name === "csrf_token") { return; }
        values[keyOf(field)] = (field.type === "checkbox" || field.type === "radio")
          ? field.checked : field.value;
      });
      saved.forms[formId] = values;
    });
    region.querySelectorAll("details[open][id]").forEach(function (el) {
      saved.open.push(el.id);
    });
    var active = document.activeElement;
    if (active && active.id && region.contains(active)) {
      saved.focus = active.id;
      try {
        saved.caret = [active.selectionStart, active.selectionEnd];
      } catch (e) { saved.caret = null; }
    }
    return saved;
  }

  function restore(saved) {
    Object.keys(saved.forms).forEach(function (formId) {
      var values = saved.forms[formId];
      fieldsOf(region, formId).forEach(function (field) {
        var key = keyOf(field);
        if (!(key in values)) { return; }
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = values[key];
        } else {
          field.value = values[key];
        }
      });
    });
    saved.open.forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.open = true; }
    });
    if (saved.focus) {
      var target = document.getElementById(saved.focus);
      if (target) {
        target.focus({preventScroll: true});
        if (saved.caret && saved.caret[0] !== null && target.setSelectionRange) {
          try { target.setSelectionRange(saved.caret[0], saved.caret[1]); } catch (e) { /* not text */ }
        }
      }
    }
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("board-region");
    if (!fresh) { return false; }
    // A form someone typed in that the new board no longer has (its action was merged
    // or removed meanwhile): keep this board, and say why, so nothing typed is lost.
    var gone = Object.keys(touched).filter(function (formId) {
      return region.querySelector("#" + CSS.escape(formId)) && !fresh.querySelector("#" + CSS.escape(formId));
    });
    if (gone.length) {
      if (live) { live.textContent = region.getAttribute("data-gone") || ""; }
      return false;
    }
    var saved = remember();
    // autofocus in the new part would pull the focus away from where the user is
    fresh.querySelectorAll("[autofocus]").forEach(function (el) { el.removeAttribute("autofocus"); });
    region.innerHTML = fresh.innerHTML;
    revision = fresh.getAttribute("data-revision");
    region.setAttribute("data-revision", revision);
    restore(saved);
    return true;
  }

  function announce() {
    if (!live) { return; }
    var text = region.getAttribute("data-updated") || "";
    var now = new Date();
    live.textContent = text + " " + now.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", second: "2-digit"});
  }

  function poll() {
    if (busy || leaving || document.hidden) { return; }
    busy = true;
    var headers = {"Accept": "application/json"};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(stateUrl, {headers: headers, credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (response.status === 304 || !response.ok) { return null; }
        etag = response.headers.get("ETag") || etag;
        return response.json();
      })
      .then(function (state) {
        if (!state || String(state.revision) === String(revision)) { return null; }
        return fetch(regionUrl, {credentials: "same-origin", cache: "no-store"})
          .then(function (response) { return response.ok ? response.text() : null; })
          .then(function (html) {
            if (html && !leaving && swap(html)) { announce(); }
          });
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { busy = false; });
  }

  // Back from a form: the changed action or card (the address's anchor) takes the
  // focus, so the keyboard goes on from there, unless a refused form claims it.
  if (location.hash && !document.querySelector("[autofocus]")) {
    var landed = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (landed && landed.tabIndex === -1) { landed.focus(); }
  }

  window.setInterval(poll, INTERVAL);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { poll(); }
  });
})();
