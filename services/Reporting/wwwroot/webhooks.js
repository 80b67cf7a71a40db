"use strict";
// The NGO's webhook endpoints: add one (its secret is shown once), turn it on or off, read its delivery log, replay.
const state = { ngo: sessionStorage.getItem("webhooks-ngo"), key: sessionStorage.getItem("webhooks-key"), shown: null };
const $ = (selector) => document.querySelector(selector);
const statuses = { pending: "ожидает", delivered: "доставлено", failed: "не доставлено" };

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString("ru-RU") : "";
}

async function api(path, options = {}) {
  const response = await fetch(`/api/ngos/${encodeURIComponent(state.ngo)}/webhook-endpoints${path}`, {
    ...options, headers: { Authorization: "Bearer " + state.key, "Content-Type": "application/json" },
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || response.statusText);
  }
  return response.status === 204 ? null : response.json();
}

function button(text, testid, action) {
  const b = el("button", { "data-testid": testid }, text);
  b.addEventListener("click", action);
  return b;
}

async function loadEndpoints() {
  const endpoints = await api("");
  $("#endpoints").replaceChildren(...endpoints.map((e) => el("tr", { "data-testid": "endpoint" },
    el("td", {}, e.url), el("td", {}, e.events.join(", ")),
    el("td", { "data-testid": "endpoint-state" }, e.enabled ? "включён" : `отключён: ${e.disabledReason ?? ""}`),
    el("td", {},
      button(e.enabled ? "Отключить" : "Включить", "toggle", async () => {
        await api(`/${e.id}`, { method: "PUT", body: JSON.stringify({ enabled: !e.enabled }) });
        await loadEndpoints();
      }),
      button("Журнал", "show-log", () => showLog(e))))));
  if (state.shown) {
    const current = endpoints.find((e) => e.id === state.shown.id);
    if (current) await showLog(current);
  }
}

async function showLog(endpoint) {
  state.shown = endpoint;
  const deliveries = await api(`/${endpoint.id}/deliveries`);
  $("#log-card").hidden = false;
  $("#log-url").textContent = endpoint.url;
  $("#deliveries").replaceChildren(...deliveries.map((d) => el("tr", { "data-testid": "delivery" },
    el("td", {}, d.type), el("td", { "data-testid": "delivery-status" }, statuses[d.status] ?? d.status), el("td", {}, String(d.attempts)),
    el("td", { "data-testid": "delivery-code" }, d.lastStatusCode == null ? (d.lastError ?? "") : String(d.lastStatusCode)),
    el("td", {}, d.lastLatencyMs == null ? "" : String(d.lastLatencyMs)), el("td", {}, when(d.nextAttemptAt)),
    el("td", {}, button("Повторить", "replay", async () => {
      await api(`/${endpoint.id}/deliveries/${d.id}/replay`, { method: "POST" });
      await showLog(endpoint);
    })))));
}

async function start() {
  try {
    await loadEndpoints();
  } catch (error) {
    signOut(error.message);
    return;
  }
  $("#sign-in").hidden = true;
  $("#webhooks").hidden = false;
  $("#sign-out").hidden = false;
  $("#ngo-name").textContent = state.ngo;
}

function signOut(message = "") {
  sessionStorage.removeItem("webhooks-ngo");
  sessionStorage.removeItem("webhooks-key");
  $("#sign-in").hidden = false;
  $("#webhooks").hidden = true;
  $("#sign-out").hidden = true;
  $("#sign-in-error").textContent = message;
}

$("#sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  state.ngo = form.get("ngo").trim();
  state.key = form.get("key").trim();
  sessionStorage.setItem("webhooks-ngo", state.ngo);
  sessionStorage.setItem("webhooks-key", state.key);
  start();
});

$("#add-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("#add-error").textContent = "";
  const events = [...document.querySelectorAll("#events input:checked")].map((box) => box.value);
  try {
    const created = await api("", { method: "POST", body: JSON.stringify({ url: new FormData(event.target).get("url"), events }) });
    $("#secret-value").textContent = created.secret;
    $("#secret").hidden = false;
    await loadEndpoints();
  } catch (error) {
    $("#add-error").textContent = error.message;
  }
});

$("#sign-out").addEventListener("click", () => signOut());
if (state.ngo && state.key) start();
