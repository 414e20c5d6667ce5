// Plaza control centre: one district — live tiles, charts of footfall,
// vehicle flow, occupancy and energy over the last hour, day or week,
// car parks, open alerts and plugin health.
"use strict";

(() => {
  const { el, num, api, live, setFigure, figures, alerts, health } = Plaza;
  const district = document.body.dataset.district;
  const enc = encodeURIComponent(district);
  const tiles = document.getElementById("tiles");
  const RANGES = {
    hour: { bucket: "minute", span: 3600e3 },
    day: { bucket: "hour", span: 86400e3 },
    week: { bucket: "hour", span: 7 * 86400e3 },
  };
  let range = "day";

  function renderTiles(d) {
    for (const [key, label, html, raw] of figures(d)) {
      let node = tiles.querySelector(`[data-figure="${key}"]`);
      if (!node) {
        node = el("div", { class: "stat", "data-figure": key },
          el("div", { class: "label" }, label), el("div", { class: "value" }));
        tiles.append(node);
      }
      setFigure(node, html, raw);
    }
    const parks = document.getElementById("car-parks");
    parks.replaceChildren(el("table", {},
      el("thead", {}, el("tr", {}, ["Car park", "Occupied", "Sensed", "Occupancy",
        "Vehicles inside"].map((h, i) => el("th", { class: i ? "num" : "" }, h)))),
      el("tbody", {}, d.parking.car_parks.map((p) => el("tr", {},
        el("td", {}, p.car_park),
        el("td", { class: "num" }, num(p.occupied)),
        el("td", { class: "num" }, num(p.sensed)),
        el("td", { class: "num" }, p.sensed ? `${num((p.occupied * 100) / p.sensed)}%` : "—"),
        el("td", { class: "num" }, num(p.vehicles)))))));
  }

  function statsUrl(format) {
    const { bucket, span } = RANGES[range];
    const from = new Date(Date.now() - span).toISOString();
    const csv = format ? "&format=csv" : "";
    return `/api/v1/districts/${enc}/stats?bucket=${bucket}&from=${encodeURIComponent(from)}${csv}`;
  }

  async function charts() {
    document.getElementById("csv").href = statsUrl(true);
    const table = await api(statsUrl(false));
    const t = table.rows.map((r) => r.start_ms);
    const col = (k) => table.rows.map((r) => r[k]);
    const fig = (id) => document.getElementById(id);
    Charts.draw(fig("chart-footfall"), t, [
      { name: "in", color: "#4cc2ff", values: col("people_in") },
      { name: "out", color: "#ffb547", values: col("people_out") },
    ], { unit: "people" });
    Charts.draw(fig("chart-vehicles"), t, [
      { name: "in", color: "#3ddc97", values: col("vehicles_in") },
      { name: "out", color: "#ff5d73", values: col("vehicles_out") },
    ], { unit: "vehicles" });
    Charts.draw(fig("chart-occupancy"), t, [
      { name: "occupied", color: "#b28dff", values: col("occupancy_percent") },
    ], { unit: "%", max: 100 });
    Charts.draw(fig("chart-energy"), t, [
      { name: "kWh", color: "#ffd84c", values: col("energy_kwh") },
    ], { unit: "kWh" });
  }

  async function refreshHealth() {
    try {
      health(document.getElementById("health"),
        await api(`/api/v1/control/health?district=${enc}`));
    } catch (e) {
      console.warn("health", e);
    }
  }

  function render(update) {
    const d = update.districts[0];
    if (!d) return;
    renderTiles(d);
    document.getElementById("as-of").textContent = `Figures as of ${Plaza.time(update.as_of_ms)}`;
    alerts(document.getElementById("alerts"), update.alerts, refresh);
  }

  async function refresh() {
    const [overview, open] = await Promise.all([
      api(`/api/v1/control/overview?district=${enc}`),
      api(`/api/v1/control/alerts?district=${enc}`),
    ]);
    render({ ...overview, alerts: open });
  }

  for (const button of document.querySelectorAll("#range button")) {
    button.addEventListener("click", () => {
      range = button.dataset.range;
      for (const b of document.querySelectorAll("#range button")) {
        b.classList.toggle("on", b === button);
      }
      charts().catch((e) => console.warn("charts", e));
    });
  }

  refresh().catch((e) => console.warn("overview", e));
  charts().catch((e) => console.warn("charts", e));
  refreshHealth();
  setInterval(() => charts().catch((e) => console.warn("charts", e)), 15000);
  setInterval(refreshHealth, 10000);
  live(`/api/v1/control/stream?district=${enc}`, render);
  window.addEventListener("resize", () => charts().catch(() => {}));
})();
