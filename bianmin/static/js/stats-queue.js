/* The dashboard's queue chart: tickets and average waiting time by hour of issue, with the wait target as a
   line (issue 16 §7). Data from the page's JSON (no inline script, CSP); the same numbers are in the table
   below the chart for screen readers and where scripts or canvas are unavailable. */
(function () {
  "use strict";
  var holder = document.getElementById("queue-data");
  var el = document.getElementById("chart-queue-hours");
  if (!holder || !el || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var L = data.labels;
  var hours = data.hours;
  var wait = { name: L.wait, type: "line", yAxisIndex: 1, connectNulls: false, itemStyle: { color: "#b9770e" },
               data: hours.map(function (h) { return h.average_wait_minutes; }) };
  if (data.target_minutes) {
    wait.markLine = { symbol: "none", silent: true, lineStyle: { color: "#c0392b", type: "dashed" },
                      label: { position: "insideEndTop", formatter: L.target + " {c}" }, data: [{ yAxis: data.target_minutes }] };
  }
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [L.tickets, L.wait], bottom: 0 },
    grid: { left: 48, right: 56, bottom: 56, top: 40 },
    xAxis: { type: "category", data: hours.map(function (h) { return h.hour; }) },
    // The wait axis reaches the target, so the target line is always in sight.
    yAxis: [{ type: "value", name: L.tickets, minInterval: 1 },
            { type: "value", name: L.wait, min: 0,
              max: function (v) { return Math.ceil(Math.max(v.max, (data.target_minutes || 0) * 1.1)); } }],
    series: [{ name: L.tickets, type: "bar", data: hours.map(function (h) { return h.tickets; }) }, wait]
  });
  el.setAttribute("data-ready", "1");
  window.addEventListener("resize", function () { chart.resize(); });
})();
