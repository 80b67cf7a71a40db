import { el, fill } from "../../core/dom";
import type { Ctx, Page } from "../page";

// A minimal provider-secret form (CloudPayments' API secret), until the full Providers page with callback health lands.
const messages = {
  ru: {
    title: "Платёжные системы", lead: "CloudPayments: в личном кабинете (Сайты → Настройки → Уведомления) включите уведомления Pay, Fail и Refund на адрес ниже и вставьте сюда «Пароль для API».",
    url: "Адрес уведомлений (путь на адресе приёма платежей):", apiSecret: "Пароль для API CloudPayments", save: "Сохранить",
    saved: "Секрет CloudPayments сохранён. Он хранится зашифрованным и больше не показывается.", "err.apiSecret": "Вставьте пароль для API из кабинета CloudPayments.",
  },
  en: {
    title: "Payment providers", lead: "CloudPayments: in the cabinet (Sites → Settings → Notifications) turn on Pay, Fail and Refund notifications to the address below and paste the API password here.",
    url: "Notification address (path on the payments intake address):", apiSecret: "CloudPayments API password", save: "Save",
    saved: "The CloudPayments secret is saved. It is stored encrypted and never shown again.", "err.apiSecret": "Paste the API password from the CloudPayments cabinet.",
  },
};

function render(ctx: Ctx): void {
  const { t, api } = ctx;
  const secret = el("input", { type: "password", required: true, autocomplete: "off", "data-testid": "cloudpayments-secret" });
  const result = el("div", { "data-testid": "provider-result" });
  ctx.root.append(el("h1", {}, t("title")), el("form", { class: "card", onsubmit: async (event: Event) => {
    event.preventDefault();
    fill(result);
    try {
      await api.put("providers/cloudpayments", { apiSecret: secret.value.trim() });
      secret.value = "";
      result.append(ctx.notice(t("saved")));
    } catch (error) {
      result.append(ctx.error(error, { apiSecret: t("err.apiSecret") }));
    }
  } },
    el("h2", {}, "CloudPayments"), el("p", { class: "muted" }, t("lead")),
    el("p", {}, t("url"), " ", el("code", { "data-testid": "cloudpayments-url" }, `/webhooks/cloudpayments/${ctx.ngo}`)),
    el("label", {}, t("apiSecret"), secret), el("button", { type: "submit", "data-testid": "cloudpayments-save" }, t("save")), result));
}

const page: Page = { route: "/setup/providers", order: 1, nav: { ru: "Платёжные системы", en: "Payment providers" }, manager: true, messages, render };
export default page;
