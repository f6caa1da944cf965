/* The progress of background exports on the export page (templates/exports/_jobs.html):
   each unfinished job asks its status (JSON) every 1.5 seconds and shows it in its
   <progress> element and its aria-live text; when it is done, the download link. */
(function () {
  "use strict";
  var FINISHED = {done: true, failed: true, expired: true};
  function follow(item) {
    var bar = item.querySelector("progress");
    var text = item.querySelector(".cp-job-text");
    var place = item.querySelector(".cp-job-download");
    function show(state) {
      bar.value = state.percentage;
      bar.textContent = state.percentage + " %";
      var line = state.text + ": " + state.percentage + " %";
      if (text.textContent !== line) { text.textContent = line; }
      if (state.download_url && !place.querySelector("a")) {
        var link = document.createElement("a");
        link.href = state.download_url;
        link.textContent = item.getAttribute("data-download-text");
        place.textContent = "";
        place.appendChild(link);
        place.appendChild(document.createTextNode(
          ", " + item.getAttribute("data-until-text") + " " + (state.expires_at || "")));
      } else if (state.error) {
        place.textContent = "(" + state.error + ")";
      }
    }
    function poll() {
      fetch(item.getAttribute("data-status-url"), {credentials: "same-origin",
                                                   headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) { return; }
          show(state);
          if (!FINISHED[state.status]) { window.setTimeout(poll, 1500); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    if (!FINISHED[item.getAttribute("data-status")]) { window.setTimeout(poll, 1500); }
  }
  document.querySelectorAll("li.cp-export-job[data-status-url]").forEach(follow);
})();
