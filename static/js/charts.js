// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">, with
// Chart.js (vendored in static/vendor/chartjs). Readable without colour: each
// series gets its own line dash and point shape, bars carry their values, and the
// same numbers stand in a table beneath every chart. The chart's <figure> is hidden
// in the page and shown here, once there is something to draw in it: without
// JavaScript (or Chart.js) the table is the content, never a blank box.
(function () {
  const COLOURS = ["#1f5f8b", "#c2571a", "#2e6b3a", "#6a3d9a", "#8a5a00", "#a4262c"];
  // The light shade of each colour above: a "before" beside its dark "after".
  const LIGHT = ["#9cc3df", "#efb48f", "#a3d1ac", "#c5b0e0", "#e8c77f", "#eba3a6"];
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
    const datasets = Object.entries(spec.series).map(([label, data], i) => {
      // Paired series (before, after) share a hue: the first light and outlined in
      // the dark shade, the second solid, so the pair reads as one track either way.
      const hue = spec.paired ? Math.floor(i / 2) : i;
      const light = spec.paired && i % 2 === 0;
      return {
        label,
        data,
        backgroundColor: (light ? LIGHT : COLOURS)[hue % COLOURS.length],
        borderColor: COLOURS[hue % COLOURS.length],
        ...(spec.paired ? { borderWidth: light ? 2 : 0 } : {}),
        borderDash: DASHES[i % DASHES.length],
        pointStyle: POINTS[i % POINTS.length],
        pointRadius: 5,
        stepped: Boolean(spec.step),
        spanGaps: true,
      };
    });
    const axes = spec.axes || {};
    const title = (text) => ({ display: Boolean(text), text: text || "" });
    // Rates are drawn on an axis that runs to 100%, so 60% never looks like a full bar.
    const y = spec.unit === "%"
      ? { min: 0, max: 100, ticks: { stepSize: 20, callback: (value) => `${value}%` } }
      : { stacked: Boolean(spec.stacked), beginAtZero: true, grace: "10%", ticks: { precision: 0 } };
    y.title = title(axes.y);
    if (spec.unit) canvas.dataset.unit = spec.unit;
    const figure = canvas.closest("figure");
    if (figure) figure.hidden = false;
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets },
      plugins: [barValues],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: { x: { stacked: Boolean(spec.stacked), title: title(axes.x) }, y },
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
