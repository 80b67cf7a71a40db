"use strict";
// The Donations dashboard: reads the report API with the NGO's viewer key; nothing else is loaded.
const state = { ngo: sessionStorage.getItem("ngo"), key: sessionStorage.getItem("key") };
const $ = (selector) => document.querySelector(selector);
const digits = { JPY: 0 };
const colours = ["#4a76a8", "#e07b39", "#5aa469", "#c94f7c", "#8a6bbe", "#d4b13f", "#3fa7b5", "#7d7d7d"];

function major(minor, currency) {
  const d = digits[currency] ?? 2;
  return (minor / 10 ** d).toLocaleString("ru-RU", { minimumFractionDigits: d, maximumFractionDigits: d }) + " " + currency;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function query() {
  const parts = [];
  if ($("#from").value) parts.push("from=" + $("#from").value);
  if ($("#to").value) parts.push("to=" + $("#to").value);
  return parts.join("&");
}

async function api(report, extra = "") {
  const q = [query(), extra].filter(Boolean).join("&");
  const response = await fetch(`/api/ngos/${encodeURIComponent(state.ngo)}/reports/${report}${q ? "?" + q : ""}`,
    { headers: { Authorization: "Bearer " + state.key } });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || response.statusText);
  }
  return response;
}

function money(label, minor, currency, testid) {
  return [el("dt", {}, label), el("dd", { "data-testid": testid, "data-minor": String(minor) }, major(minor, currency))];
}

function renderSummary(summary) {
  const box = $("#summary");
  box.replaceChildren();
  if (summary.currencies.length === 0) box.append(el("p", { class: "card", "data-testid": "empty" }, "Пожертвований за период нет."));
  for (const c of summary.currencies) {
    const share = c.netMinor > 0 ? Math.round((100 * c.unattributedMinor) / c.netMinor) : 0;
    box.append(el("div", { class: "card", "data-testid": "currency-" + c.currency },
      el("div", { class: "money", "data-testid": "net-" + c.currency, "data-minor": String(c.netMinor) }, major(c.netMinor, c.currency)),
      el("dl", {},
        ...money("Получено", c.grossMinor, c.currency, "gross-" + c.currency),
        ...money("Возвраты", c.refundedMinor, c.currency, "refunded-" + c.currency),
        ...money("Комиссии", c.feeMinor, c.currency, "fee-" + c.currency),
        ...money("Атрибутировано", c.attributedMinor, c.currency, "attributed-" + c.currency),
        ...money(`Не атрибутировано (${share}%)`, c.unattributedMinor, c.currency, "unattributed-" + c.currency),
        el("dt", {}, "Пожертвований"), el("dd", { "data-testid": "donations-" + c.currency }, String(c.donations)))));
  }
  const reasons = $("#reasons");
  reasons.replaceChildren();
  const total = summary.unattributed.reduce((sum, r) => sum + r.netMinor, 0);
  for (const r of summary.unattributed) {
    const percent = total > 0 ? (100 * r.netMinor) / total : 0;
    reasons.append(el("div", { class: "fundraiser", "data-testid": "reason" },
      el("div", {}, `${r.reason}: ${major(r.netMinor, r.currency)}, ${r.donations} пож.`),
      el("div", { class: "bar" }, el("div", { style: `width:${percent.toFixed(1)}%` }))));
  }
  if (summary.unattributed.length === 0) reasons.append(el("p", {}, "Все пожертвования атрибутированы."));
}

function renderDaily(daily) {
  const chart = $("#daily-chart");
  chart.replaceChildren();
  const rows = daily.byKey;
  if (rows.length === 0) { chart.append(el("p", {}, "Нет атрибутированных денег за период.")); return; }
  const currency = rows[0].currency;
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const keys = [...new Set(rows.filter((r) => r.currency === currency).map((r) => r.key))];
  const totals = days.map((d) => rows.filter((r) => r.day === d && r.currency === currency).reduce((s, r) => s + r.attributedMinor, 0));
  const max = Math.max(...totals, 1);
  const height = 180, barWidth = Math.min(48, Math.max(8, 640 / days.length - 8)), width = Math.max(320, days.length * (barWidth + 8) + 8);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height + 20}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height + 20));
  svg.setAttribute("data-testid", "daily-svg");
  days.forEach((day, i) => {
    let y = height;
    keys.forEach((key, k) => {
      const row = rows.find((r) => r.day === day && r.key === key && r.currency === currency);
      if (!row) return;
      const h = (row.attributedMinor / max) * (height - 10);
      const rect = document.createElementNS(ns, "rect");
      Object.entries({ x: i * (barWidth + 8) + 4, y: y - h, width: barWidth, height: h, fill: colours[k % colours.length] })
        .forEach(([a, v]) => rect.setAttribute(a, String(v)));
      const title = document.createElementNS(ns, "title");
      title.textContent = `${day} ${key}: ${major(row.attributedMinor, currency)}`;
      rect.append(title);
      svg.append(rect);
      y -= h;
    });
    const label = document.createElementNS(ns, "text");
    Object.entries({ x: i * (barWidth + 8) + 4, y: height + 15, "font-size": 10 }).forEach(([a, v]) => label.setAttribute(a, String(v)));
    label.textContent = day.slice(5);
    svg.append(label);
  });
  chart.append(svg, el("div", { class: "legend" }, ...keys.map((key, k) => el("span", {}, el("i", { style: `background:${colours[k % colours.length]}` }), key))),
    el("p", { class: "status" }, `Валюта графика: ${currency}`));
}

function renderFundraisers(fundraisers) {
  const box = $("#fundraisers");
  box.replaceChildren();
  if (fundraisers.length === 0) box.append(el("p", {}, "Сборов нет."));
  for (const f of fundraisers) {
    box.append(el("div", { class: "fundraiser", "data-testid": "fundraiser-" + f.fundraiserId, "data-raised-minor": String(f.raisedMinor) },
      el("div", {}, `${f.title}: ${major(f.raisedMinor, f.currency)} из ${major(f.goalMinor, f.currency)} (${f.percent}%)`),
      el("div", { class: "bar" }, el("div", { style: `width:${Math.min(100, f.percent)}%` })),
      el("div", { class: "status" }, `${f.status}, до ${new Date(f.deadline).toLocaleDateString("ru-RU")}, доноров: ${f.donors}`)));
  }
}

function renderPosts(posts) {
  const body = $("#posts tbody");
  body.replaceChildren();
  for (const p of posts) {
    const lines = p.money.length ? p.money : [null];
    for (const m of lines) {
      body.append(el("tr", { "data-testid": "post-" + p.postId },
        el("td", {}, p.postId), el("td", {}, p.campaignId), el("td", {}, String(p.clicks)), el("td", {}, String(p.botClicks)),
        el("td", {}, String(p.donations)), el("td", {}, p.conversion == null ? "—" : (100 * p.conversion).toFixed(1) + "%"),
        el("td", { "data-minor": m ? String(m.attributedMinor) : "0" }, m ? major(m.attributedMinor, m.currency) : "—"),
        el("td", {}, m && m.raisedPerRubleSpent != null ? m.raisedPerRubleSpent.toFixed(2) : "—")));
    }
  }
}

async function load() {
  try {
    const [summary, daily, fundraisers, posts] = await Promise.all([
      api("summary").then((r) => r.json()), api("daily", "by=" + $("#by").value).then((r) => r.json()),
      api("fundraisers").then((r) => r.json()), api("posts").then((r) => r.json())]);
    renderSummary(summary);
    renderDaily(daily);
    renderFundraisers(fundraisers);
    renderPosts(posts);
    document.body.dataset.loaded = "true";
  } catch (error) {
    signOut(error.message);
  }
}

async function download(report) {
  const response = await api(report, "format=csv");
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `${state.ngo}-${report}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

function showDashboard() {
  $("#sign-in").hidden = true;
  $("#dashboard").hidden = false;
  $("#sign-out").hidden = false;
  $("#ngo-name").textContent = state.ngo;
  load();
}

function signOut(message = "") {
  sessionStorage.clear();
  state.ngo = state.key = null;
  $("#sign-in").hidden = false;
  $("#dashboard").hidden = true;
  $("#sign-out").hidden = true;
  $("#sign-in-error").textContent = message;
}

$("#sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  state.ngo = form.get("ngo").trim();
  state.key = form.get("key").trim();
  sessionStorage.setItem("ngo", state.ngo);
  sessionStorage.setItem("key", state.key);
  showDashboard();
});
$("#sign-out").addEventListener("click", () => signOut());
$("#apply").addEventListener("click", load);
$("#by").addEventListener("change", load);
document.querySelectorAll("[data-csv]").forEach((button) => button.addEventListener("click", () => download(button.dataset.csv)));
if (state.ngo && state.key) showDashboard();
