// Plaza control centre: the city overview — a card per district with its
// live figures, city totals, open alerts and plugin health, kept fresh by
// the server-sent update stream.
"use strict";

(() => {
  const { el, num, api, live, setFigure, figures, alerts, health } = Plaza;
  const cards = document.getElementById("districts");
  const totals = document.getElementById("totals");

  function card(d) {
    let node = cards.querySelector(`[data-district="${CSS.escape(d.district)}"]`);
    if (!node) {
      node = el("article", { class: "card", "data-district": d.district },
        el("h3", {}, el("a", { href: `/control/districts/${encodeURIComponent(d.district)}` },
          d.name)),
        el("div", { class: "bar" }, el("i", {})),
        el("div", { class: "figures" },
          figures(d).map(([key, label]) =>
            el("div", { class: "fig", "data-figure": key },
              el("div", { class: "label" }, label), el("div", { class: "value" })))));
      cards.append(node);
    }
    for (const [key, , html, raw] of figures(d)) {
      setFigure(node.querySelector(`[data-figure="${key}"]`), html, raw);
    }
    node.querySelector(".bar > i").style.width = `${d.parking.percent || 0}%`;
  }

  function cityTotals(districts) {
    const sum = (f) => districts.reduce((a, d) => a + f(d), 0);
    const sensed = sum((d) => d.parking.sensed);
    const occupied = sum((d) => d.parking.occupied);
    const items = [
      ["districts", "Districts", num(districts.length), districts.length],
      ["occupancy", "City parking", sensed ? `${num((occupied * 100) / sensed)}%` : "—", occupied],
      ["people", "People in districts", num(sum((d) => d.people_in_district)),
        sum((d) => d.people_in_district)],
      ["vehicles", "Vehicles / last hour", num(sum((d) => d.vehicles_last_hour.entered)),
        sum((d) => d.vehicles_last_hour.entered)],
      ["orders", "Orders today", num(sum((d) => d.orders_today)), sum((d) => d.orders_today)],
      ["energy", "Energy today", `${num(sum((d) => d.energy_kwh_today), 1)}<small> kWh</small>`,
        sum((d) => d.energy_kwh_today).toFixed(2)],
      ["alerts", "Open alerts", num(sum((d) => d.alerts.total)), sum((d) => d.alerts.total)],
    ];
    for (const [key, label, html, raw] of items) {
      let node = totals.querySelector(`[data-figure="${key}"]`);
      if (!node) {
        node = el("div", { class: "stat", "data-figure": key },
          el("div", { class: "label" }, label), el("div", { class: "value" }));
        totals.append(node);
      }
      setFigure(node, html, raw);
    }
  }

  async function refreshHealth() {
    try {
      health(document.getElementById("health"), await api("/api/v1/control/health"));
    } catch (e) {
      console.warn("health", e);
    }
  }

  function render(update) {
    update.districts.forEach(card);
    cityTotals(update.districts);
    document.getElementById("as-of").textContent =
      `${update.districts.length} district(s) · figures as of ${Plaza.time(update.as_of_ms)}`;
    alerts(document.getElementById("alerts"), update.alerts, refresh);
  }

  async function refresh() {
    const [overview, open] = await Promise.all([
      api("/api/v1/control/overview"), api("/api/v1/control/alerts"),
    ]);
    render({ ...overview, alerts: open });
  }

  refresh().catch((e) => console.warn("overview", e));
  refreshHealth();
  setInterval(refreshHealth, 10000);
  live("/api/v1/control/stream", render);
})();
