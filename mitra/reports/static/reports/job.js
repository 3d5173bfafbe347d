/* The report job page: polls the job's status (JSON) and shows its stage and progress; when the file is ready
   it shows the download button and starts the download, when it failed the error and "try again".
   A file, not an inline script: the CSP allows scripts from the site only. Without JavaScript the page
   refreshes itself (<noscript> meta refresh). */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || box.getAttribute("data-job-finished") === "1" || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var progress = document.getElementById("job-progress");
  var bar = document.getElementById("job-bar");
  var stage = document.getElementById("job-stage");
  var wait = document.getElementById("job-wait");
  var failures = 0;

  function show(state) {
    var percent = Math.max(0, Math.min(100, Math.round(Number(state.percent) || 0)));
    bar.className = bar.className.replace(/\bjob-pct-\d+\b/, "job-pct-" + percent);
    bar.textContent = percent + " %";
    progress.setAttribute("aria-valuenow", String(percent));
    stage.textContent = state.stage_label;
    if (!state.finished) {
      return;
    }
    bar.classList.remove("progress-bar-striped", "progress-bar-animated");
    if (wait) {
      wait.hidden = true;
    }
    if (state.status === "done") {
      var link = document.getElementById("job-download");
      link.setAttribute("href", state.download_url);
      document.getElementById("job-done").hidden = false;
      // An attachment: the browser saves it and this page stays.
      window.location.assign(state.download_url);
    } else {
      bar.classList.add("bg-danger");
      document.getElementById("job-error").textContent = state.error;
      document.getElementById("job-failed").hidden = false;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        show(state);
        if (!state.finished) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures > 5) {
          window.location.reload(); // the server answers the page itself (signed out, job gone …)
        } else {
          window.setTimeout(poll, 2000);
        }
      });
  }

  window.setTimeout(poll, 500);
})();
