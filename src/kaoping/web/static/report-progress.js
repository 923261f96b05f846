// The progress of a PDF report being built (the page's #report-build section): asks the
// status address it names every 0.7 s, shows the stage and the share done, and starts the
// download when the file is ready. A file of its own because the site's
// Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var box = document.getElementById("report-build");
  if (!box) {
    return;
  }
  var statusUrl = box.getAttribute("data-status");
  var bar = document.getElementById("report-progress");
  var stage = document.getElementById("report-stage");
  var link = document.getElementById("report-download");
  var failed = document.getElementById("report-failed");
  var misses = 0;

  function show(s) {
    var percent = Math.round((s.progress || 0) * 100);
    bar.value = percent;
    bar.textContent = percent + "%";
    if (s.stage_text) {
      stage.textContent = s.stage_text;
    }
  }

  function poll() {
    fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) {
          throw new Error(String(r.status));
        }
        return r.json();
      })
      .then(function (s) {
        misses = 0;
        show(s);
        if (s.state === "done") {
          link.hidden = false;
          window.location.assign(s.download || box.getAttribute("data-download"));
        } else if (s.state === "failed") {
          failed.textContent = s.error || s.stage_text;
          failed.hidden = false;
        } else {
          window.setTimeout(poll, 700);
        }
      })
      .catch(function () {
        misses += 1;
        if (misses < 20) {
          window.setTimeout(poll, 2000);
        } else {
          link.hidden = false; // the reader can still ask for the file
        }
      });
  }

  window.setTimeout(poll, 400);
})();
