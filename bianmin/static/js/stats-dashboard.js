/* Draws the dashboard's charts from the JSON the page embeds (no inline script, no CDN). The same figures
   are in the page's tables, so nothing is lost where scripts or canvas are unavailable. */
(function () {
  "use strict";
  var holder = document.getElementById("dashboard-data");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.textContent);
  var L = data.labels;
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = echarts.init(el, null, { renderer: "canvas" });
    c.setOption(option);
    el.setAttribute("data-ready", "1");
    charts.push(c);
  }
  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }

  var points = data.trend.points;
  chart("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { data: [L.ratings, L.bad, L.good_rate] },
    grid: { left: 48, right: 48, bottom: 32, top: 40 },
    xAxis: { type: "category", data: points.map(function (p) { return p.step; }) },
    yAxis: [{ type: "value", name: L.ratings, minInterval: 1 },
            { type: "value", name: "%", min: 0, max: 100 }],
    series: [
      { name: L.ratings, type: "bar", data: points.map(function (p) { return p.ratings; }) },
      { name: L.bad, type: "bar", data: points.map(function (p) { return p.bad; }), itemStyle: { color: "#c0392b" } },
      { name: L.good_rate, type: "line", yAxisIndex: 1, connectNulls: false,
        data: points.map(function (p) { return pct(p.good_rate); }) }
    ]
  });

  chart("chart-levels", {
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { bottom: 0 },
    color: ["#1e8449", "#52be80", "#f4d03f", "#e67e22", "#c0392b"],
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.levels,
               label: { formatter: "{b}\n{d}%" } }]
  });

  if (data.children.length) {
    chart("chart-children", {
      tooltip: { trigger: "axis" },
      grid: { left: 120, right: 24, top: 16, bottom: 24 },
      xAxis: { type: "value", name: L.satisfaction_index, min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: data.children.map(function (c) { return c.name; }) },
      series: [{ name: L.satisfaction_index, type: "bar",
                 data: data.children.map(function (c) { return c.satisfaction_index; }) }]
    });
  }

  if (data.map.length) {
    chart("chart-map", {
      tooltip: { formatter: function (p) {
        var d = p.data.site;
        return d.name + "<br>" + L.ratings + ": " + d.ratings + "<br>" + L.good_rate + ": " +
          (d.good_rate === null ? "—" : pct(d.good_rate) + "%");
      } },
      grid: { left: 56, right: 24, top: 16, bottom: 32 },
      xAxis: { type: "value", scale: true, name: "E" },
      yAxis: { type: "value", scale: true, name: "N" },
      visualMap: { min: 60, max: 100, dimension: 2, orient: "horizontal", left: "center", bottom: 0,
                   text: ["100", "60"], calculable: false, inRange: { color: ["#c0392b", "#f4d03f", "#1e8449"] },
                   show: false },
      series: [{ type: "scatter", symbolSize: function (v) { return 8 + Math.min(30, Math.sqrt(v[3])); },
                 data: data.map.map(function (s) {
                   return { value: [s.lng, s.lat, s.satisfaction_index === null ? 60 : s.satisfaction_index, s.ratings],
                            site: s, name: s.name };
                 }),
                 // Names only on hover: a county's dozens of stations would bury each other's labels.
                 emphasis: { label: { show: true, position: "right", formatter: function (p) { return p.data.name; } } } }]
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
