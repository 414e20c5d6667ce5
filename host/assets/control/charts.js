// Plaza control centre: small SVG time-series charts — no library.
// `Charts.draw(figure, times, series, options)` draws lines (with a soft
// area under the first) over evenly spaced buckets, a y axis from zero
// with round ticks, time labels, a legend and a hover read-out.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs = {}) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };

  // A round step giving about `count` ticks up to `max`.
  function niceStep(max, count) {
    const raw = max / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const n = raw / mag;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
  }

  function label(ms, spanMs) {
    const d = new Date(ms);
    if (spanMs > 2 * 86400000) {
      return d.toLocaleDateString("en-GB", { weekday: "short", day: "2-digit" });
    }
    return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  }

  function draw(figure, times, series, options = {}) {
    const caption = figure.querySelector("figcaption");
    figure.replaceChildren(caption);
    const legend = document.createElement("div");
    legend.className = "legend";
    for (const s of series) {
      const item = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.style.background = s.color;
      item.append(swatch, s.name);
      legend.append(item);
    }
    figure.append(legend);

    const width = Math.max(320, figure.clientWidth - 24);
    const height = 220;
    const pad = { left: 48, right: 12, top: 10, bottom: 26 };
    const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    figure.append(svg);
    const plotW = width - pad.left - pad.right;
    const plotH = height - pad.top - pad.bottom;

    const values = series.flatMap((s) => s.values.filter((v) => v !== null));
    if (times.length === 0 || values.length === 0) {
      const t = svgEl("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "empty" });
      t.textContent = "No data in this range yet";
      svg.append(t);
      return;
    }
    let max = options.max || Math.max(...values, 0);
    if (max <= 0) max = 1;
    const step = niceStep(max, 4);
    max = Math.ceil(max / step) * step;
    const x = (i) => pad.left + (times.length === 1 ? plotW / 2 : (i * plotW) / (times.length - 1));
    const y = (v) => pad.top + plotH - (v / max) * plotH;

    const grid = svgEl("g", { class: "grid" });
    const axis = svgEl("g", { class: "axis" });
    for (let v = 0; v <= max + step / 2; v += step) {
      grid.append(svgEl("line", { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }));
      const t = svgEl("text", { x: pad.left - 6, y: y(v) + 4, "text-anchor": "end" });
      t.textContent = v >= 1000 ? `${(v / 1000).toFixed(v % 1000 ? 1 : 0)}k` : `${+v.toFixed(2)}`;
      axis.append(t);
    }
    const spanMs = times[times.length - 1] - times[0];
    const ticks = Math.min(6, times.length);
    for (let k = 0; k < ticks; k++) {
      const i = Math.round((k * (times.length - 1)) / Math.max(1, ticks - 1));
      const t = svgEl("text", { x: x(i), y: height - 6, "text-anchor": "middle" });
      t.textContent = label(times[i], spanMs);
      axis.append(t);
    }
    svg.append(grid, axis);

    series.forEach((s, n) => {
      const points = s.values
        .map((v, i) => (v === null ? null : [x(i), y(v)]))
        .filter((p) => p !== null);
      if (points.length === 0) return;
      const d = points.map((p, i) => `${i ? "L" : "M"}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join("");
      if (n === 0) {
        const last = points[points.length - 1];
        const area = `${d}L${last[0].toFixed(1)},${y(0)}L${points[0][0].toFixed(1)},${y(0)}Z`;
        svg.append(svgEl("path", { d: area, class: "area", fill: s.color }));
      }
      svg.append(svgEl("path", { d, class: "line", stroke: s.color }));
      // The latest value gets a dot, so a series of one sample still shows.
      const last = points[points.length - 1];
      svg.append(svgEl("circle", { cx: last[0], cy: last[1], r: 3, class: "last", fill: s.color }));
    });

    // Hover read-out: a guide line and the values of the nearest bucket.
    const guide = svgEl("line", { y1: pad.top, y2: pad.top + plotH, stroke: "#8d9ab5",
      "stroke-dasharray": "3 3", visibility: "hidden" });
    const readout = svgEl("text", { y: pad.top + 12, class: "axis", visibility: "hidden" });
    readout.style.fill = "#e6ebf5";
    svg.append(guide, readout);
    svg.addEventListener("mousemove", (e) => {
      const box = svg.getBoundingClientRect();
      const px = ((e.clientX - box.left) / box.width) * width;
      const i = Math.max(0, Math.min(times.length - 1,
        Math.round(((px - pad.left) / plotW) * (times.length - 1))));
      guide.setAttribute("x1", x(i));
      guide.setAttribute("x2", x(i));
      guide.setAttribute("visibility", "visible");
      const unit = options.unit ? ` ${options.unit}` : "";
      readout.textContent = `${label(times[i], spanMs)}  ` + series
        .map((s) => `${s.name}: ${s.values[i] === null ? "—" : +s.values[i].toFixed(2)}${unit}`)
        .join("  ");
      readout.setAttribute("x", Math.min(x(i) + 6, width - 260));
      readout.setAttribute("visibility", "visible");
    });
    svg.addEventListener("mouseleave", () => {
      guide.setAttribute("visibility", "hidden");
      readout.setAttribute("visibility", "hidden");
    });
  }

  return { draw };
})();
