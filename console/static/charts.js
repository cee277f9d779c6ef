// Draws each [data-chart] element with ECharts (vendored, canvas renderer); the numbers are
// also in the table beside every chart.
"use strict";
(function () {
  if (!window.echarts) return;
  const palette = ["#b71c1c", "#1565c0", "#6d6d6d", "#2e7d32", "#ef6c00"];
  const charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const spec = JSON.parse(el.dataset.chart);
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: palette,
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value" },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind, data: s.data };
      }),
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
