// Plaza control centre: helpers every page shares — formatting, API
// calls with the session cookie, the live update stream, and the alert
// and plugin-health tables.
"use strict";

const Plaza = (() => {
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) node.append(c.nodeType ? c : String(c));
    }
    return node;
  };

  const num = (x, digits = 0) =>
    x === null || x === undefined || Number.isNaN(x)
      ? "—"
      : Number(x).toLocaleString("en-US", {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        });

  const time = (ms) =>
    new Date(ms).toLocaleString("en-GB", {
      day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });

  async function api(path, options = {}) {
    const response = await fetch(path, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      ...options,
    });
    if (response.status === 401) {
      location.href = "/control/sign-in";
      throw new Error("signed out");
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && body.message) || response.statusText);
    return body;
  }

  // Subscribes to the server-sent updates; `onUpdate` gets each snapshot.
  function live(path, onUpdate) {
    const badge = document.getElementById("live");
    const source = new EventSource(path);
    source.addEventListener("update", (e) => {
      if (badge) { badge.textContent = "live"; badge.className = "live on"; }
      onUpdate(JSON.parse(e.data));
    });
    source.onerror = () => {
      if (badge) { badge.textContent = "reconnecting"; badge.className = "live off"; }
    };
    return source;
  }

  // Sets the text of a figure, flashing it when it changed.
  function setFigure(node, html, raw) {
    if (!node) return;
    const value = node.querySelector(".value");
    const before = node.dataset.raw;
    value.innerHTML = html;
    node.dataset.raw = String(raw);
    if (before !== undefined && before !== String(raw)) {
      node.classList.remove("flash");
      void node.offsetWidth;
      node.classList.add("flash");
    }
  }

  // The district figures shared by the city cards and a district's tiles.
  function figures(d) {
    const p = d.parking;
    return [
      ["occupancy", "Parking occupancy", p.percent === null ? "—"
        : `${num(p.percent, 0)}%<small> ${num(p.occupied)}/${num(p.sensed)}</small>`,
        p.percent === null ? "" : p.percent.toFixed(1)],
      ["people", "People in district", num(d.people_in_district), d.people_in_district],
      ["vehicles", "Vehicles / last hour",
        `${num(d.vehicles_last_hour.entered)}<small> in · ${num(d.vehicles_last_hour.exited)} out</small>`,
        d.vehicles_last_hour.entered],
      ["orders", "Orders today", num(d.orders_today), d.orders_today],
      ["energy", "Energy today", `${num(d.energy_kwh_today, 1)}<small> kWh</small>`,
        d.energy_kwh_today.toFixed(2)],
      ["alerts", "Open alerts", d.alerts.total === 0 ? "0"
        : `${num(d.alerts.total)}<small> ${d.alerts.critical} critical</small>`, d.alerts.total],
      ["plugins", "Plugin health",
        `${num(d.plugins.healthy)}/${num(d.plugins.total)}<small> healthy</small>`,
        `${d.plugins.healthy}/${d.plugins.failing}`],
      // Deliveries on time: null until a delivery ends today.
      ["deliveries", "Deliveries on time",
        d.deliveries_on_time_percent === null ? "—"
          : `${num(d.deliveries_on_time_percent, 0)}%<small> of ${num(d.deliveries_today)}</small>`,
        d.deliveries_on_time_percent === null ? "none" : d.deliveries_on_time_percent],
    ];
  }

  function alerts(container, list, onChange) {
    container.replaceChildren();
    if (list.length === 0) {
      container.append(el("p", { class: "muted" }, "No open alerts."));
      return;
    }
    const act = (alert, verb) => async (e) => {
      e.target.disabled = true;
      try {
        await api(`/api/v1/control/alerts/${encodeURIComponent(alert.id)}/${verb}`,
          { method: "POST" });
      } finally {
        if (onChange) onChange();
      }
    };
    const rows = list.map((a) =>
      el("tr", { class: "alert-row", "data-alert": a.id },
        el("td", {}, el("span", { class: `pill ${a.severity}` }, a.severity)),
        el("td", {}, a.district),
        el("td", {}, a.message),
        el("td", {}, time(a.raised_at_ms)),
        el("td", {}, el("span", { class: `pill ${a.status}` }, a.status)),
        el("td", {},
          a.status === "open"
            ? el("button", { class: "ghost", onclick: act(a, "acknowledge") }, "Acknowledge")
            : null,
          el("button", { class: "ghost", onclick: act(a, "clear") }, "Clear"))));
    container.append(el("table", {},
      el("thead", {}, el("tr", {}, ["Severity", "District", "What", "Raised", "Status", ""]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)));
  }

  function health(container, districts) {
    container.replaceChildren();
    const rows = [];
    for (const d of districts) {
      for (const p of d.plugins) {
        const failures = Object.entries(p.failures || {})
          .map(([reason, n]) => `${reason} ${n}`).join(", ") || "—";
        rows.push(el("tr", { "data-plugin": `${d.district}/${p.plugin}` },
          el("td", {}, d.district),
          el("td", {}, p.plugin, el("div", { class: "muted" }, p.kind)),
          el("td", {}, el("span", { class: `pill ${p.state}` }, p.state)),
          el("td", { class: "num" }, num(p.calls)),
          el("td", {}, failures),
          el("td", { class: "num" }, p.p50_ms === null ? "—" : `${num(p.p50_ms, 2)} ms`),
          el("td", { class: "num" }, p.p99_ms === null ? "—" : `${num(p.p99_ms, 2)} ms`),
          el("td", {}, el("span", { class: `pill ${p.breaker.state}` }, p.breaker.state)),
          el("td", {}, p.version === null ? `config · ${p.sha256.slice(0, 8)}`
            : `v${p.version} · ${p.sha256.slice(0, 8)}`)));
      }
    }
    container.append(el("table", {},
      el("thead", {}, el("tr", {},
        ["District", "Plugin", "State", "Calls", "Errors by reason", "p50", "p99", "Breaker",
          "Serving"].map((h, i) => el("th", { class: i >= 3 && i <= 6 && i !== 4 ? "num" : "" }, h)))),
      el("tbody", {}, rows)));
  }

  return { el, num, time, api, live, setFigure, figures, alerts, health };
})();
