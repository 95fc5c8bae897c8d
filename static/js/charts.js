// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">, with
// Chart.js (vendored in static/vendor/chartjs). Readable without colour: each
// series gets its own line dash and point shape, bars carry their values, and the
// same numbers stand in a table beneath every chart.
(function () {
  const COLOURS = ["#1f5f8b", "#c2571a", "#2e6b3a", "#6a3d9a", "#8a5a00", "#a4262c"];
  const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
  const POINTS = ["circle", "triangle", "rect", "rectRot", "star", "crossRot"];

  // Writes each bar's value on it, so no bar is read by its colour alone.
  const barValues = {
    id: "barValues",
    afterDatasetsDraw(chart) {
      if (chart.config.type !== "bar") return;
      const { ctx } = chart;
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.fillStyle = "#222";
      chart.data.datasets.forEach((dataset, i) => {
        chart.getDatasetMeta(i).data.forEach((bar, j) => {
          const value = dataset.data[j];
          if (value === null || value === undefined) return;
          // A rate of 0% is a result worth reading; a count of 0 is no bar at all.
          const unit = chart.canvas.dataset.unit || "";
          if (value === 0 && !unit) return;
          ctx.fillText(String(value) + unit, bar.x, bar.y - 4);
        });
      });
      ctx.restore();
    },
  };

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof Chart === "undefined") return;
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    const datasets = Object.entries(spec.series).map(([label, data], i) => ({
      label,
      data,
      backgroundColor: COLOURS[i % COLOURS.length],
      borderColor: COLOURS[i % COLOURS.length],
      borderDash: DASHES[i % DASHES.length],
      pointStyle: POINTS[i % POINTS.length],
      pointRadius: 5,
      stepped: Boolean(spec.step),
      spanGaps: true,
    }));
    // Rates are drawn on an axis that runs to 100%, so 60% never looks like a full bar.
    const y = spec.unit === "%"
      ? { min: 0, max: 100, ticks: { stepSize: 20, callback: (value) => `${value}%` } }
      : { stacked: Boolean(spec.stacked), beginAtZero: true, ticks: { precision: 0 } };
    if (spec.unit) canvas.dataset.unit = spec.unit;
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets },
      plugins: [barValues],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: { x: { stacked: Boolean(spec.stacked) }, y },
      },
    });
    canvas.dataset.drawn = "1";
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.detail.elt));
})();
