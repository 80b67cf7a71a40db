import { append, el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { field, submit } from "./forms";

// The NGO's own servers told of donations: add an endpoint (its secret shown once), turn it on or off, read its delivery log, replay.
interface Endpoint { id: string; url: string; events: string[]; enabled: boolean; disabledReason: string | null }
interface Delivery { id: string; type: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null; lastLatencyMs: number | null; nextAttemptAt: string | null }

const events = ["donation.attributed", "donation.refunded", "fundraiser.goal_reached", "fundraiser.ended"];

const messages = {
  ru: {
    title: "Уведомления на ваш сервер", intro: "Donations сообщает вашему серверу о каждом пожертвовании, возврате и сборе. Каждое уведомление подписано секретом конечной точки.",
    add: "Новая конечная точка", url: "Адрес (https://…)", events: "События", save: "Добавить",
    secret: "Секрет подписи — скопируйте сейчас, больше он показан не будет:", endpoints: "Конечные точки", none: "Конечных точек пока нет.",
    state: "Состояние", on: "включена", off: "отключена", disable: "Отключить", enable: "Включить", log: "Журнал",
    "log.title": "Журнал доставки: {url}", "log.none": "Доставок пока нет.", event: "Событие", status: "Статус", attempts: "Попытки",
    code: "Код ответа", latency: "Задержка, мс", next: "Следующая попытка", replay: "Повторить", replayed: "Доставка поставлена в очередь снова.",
    "status.pending": "ожидает", "status.delivered": "доставлено", "status.failed": "не доставлено",
    "event.donation.attributed": "пожертвование атрибутировано", "event.donation.refunded": "возврат",
    "event.fundraiser.goal_reached": "сбор достиг цели", "event.fundraiser.ended": "сбор завершён",
    "problem.url": "Адрес — https://… вашего сервера.", "problem.events": "Выберите хотя бы одно событие.",
  },
  en: {
    title: "Notifications to your server", intro: "Donations tells your server of every donation, refund and fundraiser. Each notification is signed with the endpoint's secret.",
    add: "New endpoint", url: "Address (https://…)", events: "Events", save: "Add",
    secret: "Signing secret — copy it now, it is not shown again:", endpoints: "Endpoints", none: "No endpoints yet.",
    state: "State", on: "on", off: "off", disable: "Turn off", enable: "Turn on", log: "Log",
    "log.title": "Delivery log: {url}", "log.none": "No deliveries yet.", event: "Event", status: "Status", attempts: "Attempts",
    code: "Response", latency: "Latency, ms", next: "Next attempt", replay: "Replay", replayed: "The delivery is queued again.",
    "status.pending": "pending", "status.delivered": "delivered", "status.failed": "failed",
    "event.donation.attributed": "donation attributed", "event.donation.refunded": "refund",
    "event.fundraiser.goal_reached": "fundraiser reached its goal", "event.fundraiser.ended": "fundraiser ended",
    "problem.url": "The address is your server's https://… URL.", "problem.events": "Choose at least one event.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const result = el("div", { "data-testid": "result" });
  const url = el("input", { type: "url", "data-testid": "url" });
  const boxes = events.map((e) => el("input", { type: "checkbox", value: e, checked: "checked", "data-testid": `event-${e}` }));
  const log = el("section", { class: "card", "data-testid": "log" });
  log.hidden = true;

  const showLog = async (endpoint: Endpoint): Promise<void> => {
    const deliveries = await api.get<Delivery[]>(`webhook-endpoints/${endpoint.id}/deliveries`);
    log.hidden = false;
    log.replaceChildren(el("h2", {}, t("log.title", { url: endpoint.url })), ctx.table({
      testid: "deliveries", rows: deliveries, rowTestId: () => "delivery", empty: t("log.none"),
      columns: [
        { title: t("event"), value: (d) => d.type, cell: (d) => t(`event.${d.type}`) },
        { title: t("status"), value: (d) => d.status, cell: (d) => t(`status.${d.status}`), testid: "delivery-status" },
        { title: t("attempts"), value: (d) => d.attempts, numeric: true },
        { title: t("code"), value: (d) => d.lastStatusCode ?? d.lastError ?? "", testid: "delivery-code" },
        { title: t("latency"), value: (d) => d.lastLatencyMs ?? "", numeric: true },
        { title: t("next"), value: (d) => d.nextAttemptAt ?? "", cell: (d) => (d.nextAttemptAt ? format.dateTime(d.nextAttemptAt) : "") },
        { title: "", value: () => "", cell: (d) => el("button", { type: "button", class: "secondary", "data-testid": "replay", onclick: async () => {
          await submit(ctx, result, () => api.post(`webhook-endpoints/${endpoint.id}/deliveries/${d.id}/replay`, {}), {}, t("replayed"));
          await showLog(endpoint);
        } }, t("replay")) },
      ],
    }));
  };

  const form = el("form", { class: "card", "data-testid": "endpoint-form", onsubmit: async (event: Event) => {
    event.preventDefault();
    const body = { url: url.value.trim(), events: boxes.filter((b) => b.checked).map((b) => b.value) };
    let secret = "";
    if (await submit(ctx, result, async () => { secret = (await api.post<{ secret: string }>("webhook-endpoints", body)).secret; },
      { url: t("problem.url"), events: t("problem.events") })) {
      // The secret lives only in this screen: a reload never shows it again.
      result.append(el("div", { class: "notice", "data-testid": "secret-box" }, t("secret"), " ", el("code", { "data-testid": "secret" }, secret)));
      await loadEndpoints();
    }
  } }, el("h2", {}, t("add")), field(t("url"), url),
    el("fieldset", {}, el("legend", {}, t("events")), ...boxes.map((b) => el("label", { class: "inline" }, b, " ", t(`event.${b.value}`)))),
    el("button", { type: "submit", "data-testid": "add" }, t("save")), result);

  const list = el("section", { class: "card" });
  const loadEndpoints = async (): Promise<void> => {
    const endpoints = await api.get<Endpoint[]>("webhook-endpoints");
    list.replaceChildren(el("h2", {}, t("endpoints")), ctx.table({
      testid: "endpoints", rows: endpoints, rowTestId: () => "endpoint", empty: t("none"),
      columns: [
        { title: t("url"), value: (e) => e.url },
        { title: t("events"), value: (e) => e.events.map((x) => t(`event.${x}`)).join(", ") },
        { title: t("state"), value: (e) => (e.enabled ? t("on") : `${t("off")}: ${e.disabledReason ?? ""}`), testid: "endpoint-state" },
        { title: "", value: () => "", cell: (e) => el("span", {},
          el("button", { type: "button", class: "secondary", "data-testid": "toggle", onclick: async () => {
            if (await submit(ctx, result, () => api.put(`webhook-endpoints/${e.id}`, { enabled: !e.enabled }))) await loadEndpoints();
          } }, e.enabled ? t("disable") : t("enable")),
          " ", el("button", { type: "button", class: "secondary", "data-testid": "show-log", onclick: () => showLog(e).catch((error) => result.replaceChildren(ctx.error(error))) }, t("log"))) },
      ],
    }));
  };
  await loadEndpoints();
  append(ctx.root, el("h1", {}, t("title")), el("p", { class: "muted" }, t("intro")), form, list, log);
}

const page: Page = { route: "/setup/webhooks", nav: { ru: "Уведомления", en: "Notifications" }, order: 70, manager: true, messages, render };
export default page;
