/* Charts of the quarterly monitoring page: data comes from json_script elements (CSP: no inline script). */
(function () {
  "use strict";
  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var data = read("monitoring-data");
  var labels = read("monitoring-labels");
  if (!data || !labels || typeof Chart === "undefined") {
    return;
  }
  function num(values) {
    return values.map(function (v) { return v === null ? null : Number(v); });
  }
  var percentAxis = { y: { beginAtZero: true, suggestedMax: 100, ticks: { callback: function (v) { return v + " %"; } } } };
  var unitCanvas = document.getElementById("unit-chart");
  if (unitCanvas) {
    new Chart(unitCanvas, {
      type: "bar",
      data: {
        labels: data.units,
        datasets: [
          { label: labels.physical, data: num(data.physical), backgroundColor: "#1f6f8b" },
          { label: labels.physical_plan, data: num(data.physical_plan), backgroundColor: "#9cc9d9" },
          { label: labels.financial, data: num(data.financial), backgroundColor: "#c2762b" },
          { label: labels.financial_plan, data: num(data.financial_plan), backgroundColor: "#ecc9a2" }
        ]
      },
      options: { responsive: true, animation: false, scales: percentAxis }
    });
  }
  var quarterCanvas = document.getElementById("quarter-chart");
  if (quarterCanvas) {
    var q = data.by_quarter;
    new Chart(quarterCanvas, {
      type: "line",
      data: {
        labels: labels.quarters,
        datasets: [
          { label: labels.physical, data: num(q.map(function (r) { return r.physical; })), borderColor: "#1f6f8b", backgroundColor: "#1f6f8b" },
          { label: labels.physical_plan, data: num(q.map(function (r) { return r.physical_plan; })), borderColor: "#9cc9d9", borderDash: [6, 4] },
          { label: labels.financial, data: num(q.map(function (r) { return r.financial; })), borderColor: "#c2762b", backgroundColor: "#c2762b" },
          { label: labels.financial_plan, data: num(q.map(function (r) { return r.financial_plan; })), borderColor: "#ecc9a2", borderDash: [6, 4] }
        ]
      },
      options: { responsive: true, animation: false, scales: percentAxis }
    });
  }
})();
