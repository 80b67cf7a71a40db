import { el, fill } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { copyButton, submit, whileShown } from "./forms";

// Payment providers: the webhook URLs to paste into each provider's cabinet, the notifications to switch on there,
// the secrets (write-only), and callback health — refreshed every few seconds, so a misconfigured callback shows at once.
interface Refusal { at: string; status: number; code: string; reason: string; detail: string }
interface Health { lastAcceptedAt: string | null; lastRefused: Refusal | null; days: { day: string; accepted: number; refused: number }[] }
interface Provider {
  provider: string; configured: boolean; updatedAt: string | null;
  webhooks: { url: string; notifications: string[]; required: boolean }[];
  secrets: { field: string; set: boolean }[];
  settings: { shopId?: string | null; allowedNetworks?: string[]; groupId?: number | null; confirmation?: string | null } | null;
  warnings: string[]; health: Health;
}

const messages = {
  ru: {
    title: "Платёжные провайдеры", intro: "Для каждого провайдера: адрес для уведомлений, который нужно вставить в его личный кабинет, какие уведомления включить, секреты и как доходят уведомления. Проверка обновляется каждые несколько секунд.",
    "name.cloudpayments": "CloudPayments", "name.yookassa": "ЮKassa", "name.vk": "VK Donut и Callback API", "name.generic": "Свой платёжный сервис (generic)",
    configured: "Настроен {date}", notConfigured: "Не настроен", url: "Адрес уведомлений", notifications: "Включите уведомления", copy: "Копировать", copied: "Скопировано",
    optional: "только для двухстадийных платежей", secretSet: "задан", secretUnset: "не задан",
    secretsHint: "Секреты никогда не показываются. Чтобы сохранить изменения, введите их заново.",
    "field.apiSecret": "API Secret (личный кабинет CloudPayments → Настройки)", "field.secretKey": "Секретный ключ магазина (необязательно: проверка каждого платежа через API ЮKassa)",
    "field.shopId": "shopId магазина", "field.allowedNetworks": "Разрешённые сети, по одной в строке (пусто — опубликованные сети ЮKassa)",
    "field.groupId": "Идентификатор сообщества VK", "field.secret": "Секретный ключ", "field.confirmation": "Строка, которую должен вернуть сервер (Callback API)",
    "problem.apiSecret": "Введите API Secret из личного кабинета CloudPayments.", "problem.secret": "Секрет: от 16 до 256 символов (для VK — до 50).",
    "problem.shopId": "shopId — только цифры, как в кабинете ЮKassa.", "problem.allowedNetworks": "Сети — в виде 185.71.76.0/27, по одной в строке.",
    "problem.groupId": "Введите номер сообщества VK.", "problem.confirmation": "Введите строку подтверждения из настроек Callback API.", "problem.secretKey": "Секретному ключу нужен shopId.",
    save: "Сохранить", saved: "Сохранено. Уведомления проверяются по новым настройкам.",
    health: "Доставка уведомлений", lastAccepted: "Последнее принятое", lastRefused: "Последнее отклонённое", never: "ещё не было", allGood: "Отклонённых нет.",
    day: "День (UTC)", accepted: "Принято", refused: "Отклонено", noDeliveries: "Уведомлений ещё не было.", details: "Подробности",
    "secret.cloudpayments": "API Secret в личном кабинете CloudPayments (Настройки → API Secret)", "secret.vk": "секретный ключ в настройках Callback API сообщества",
    "secret.generic": "секрет вебхука", "secret.yookassa": "секретный ключ",
    "reason.signature": "Подпись не совпадает: проверьте {secret} — он должен совпадать с сохранённым здесь.",
    "reason.unknown-shop": "Неизвестный shopId: платёж сделан в другой магазин ЮKassa, не в сохранённый здесь.",
    "reason.wrong-source": "Уведомление пришло не из сетей ЮKassa: проверьте разрешённые сети или прокси перед сервисом.",
    "reason.wrong-community": "Событие из другого сообщества VK: проверьте идентификатор сообщества.",
    "reason.not-configured": "Уведомления приходят, а провайдер здесь не настроен: сохраните его настройки.",
    "reason.wrong-url": "Адрес не из этого списка: скопируйте адрес отсюда.",
    "reason.unreadable": "Уведомление не принято в таком виде: поле и правило — в подробностях.",
    "reason.wrong-type": "Неподходящий формат уведомления (Content-Type): проверьте формат в кабинете провайдера.",
    "reason.too-large": "Уведомление больше 64 КБ.", "reason.unavailable": "Сервис не смог сохранить уведомление в тот момент; провайдер пришлёт его снова.",
    "reason.refused": "Отклонено (код {status}).",
  },
  en: {
    title: "Payment providers", intro: "For each provider: the notification address to paste into its cabinet, which notifications to switch on, the secrets, and how deliveries go. The check refreshes every few seconds.",
    "name.cloudpayments": "CloudPayments", "name.yookassa": "YooKassa", "name.vk": "VK Donut and Callback API", "name.generic": "Your own payment service (generic)",
    configured: "Set up {date}", notConfigured: "Not set up", url: "Notification address", notifications: "Switch on", copy: "Copy", copied: "Copied",
    optional: "two-stage payments only", secretSet: "set", secretUnset: "not set",
    secretsHint: "Secrets are never shown. To save a change, enter them again.",
    "field.apiSecret": "API Secret (CloudPayments cabinet → Settings)", "field.secretKey": "Shop secret key (optional: every payment is confirmed with YooKassa's API)",
    "field.shopId": "Shop id (shopId)", "field.allowedNetworks": "Allowed networks, one per line (empty: YooKassa's published networks)",
    "field.groupId": "VK community id", "field.secret": "Secret key", "field.confirmation": "Confirmation string (Callback API)",
    "problem.apiSecret": "Enter the API Secret from the CloudPayments cabinet.", "problem.secret": "The secret: 16 to 256 characters (VK: up to 50).",
    "problem.shopId": "The shopId is digits only, as in the YooKassa cabinet.", "problem.allowedNetworks": "Networks look like 185.71.76.0/27, one per line.",
    "problem.groupId": "Enter the VK community's number.", "problem.confirmation": "Enter the confirmation string from the Callback API settings.", "problem.secretKey": "The secret key needs the shopId.",
    save: "Save", saved: "Saved. Notifications are checked with the new settings.",
    health: "Deliveries", lastAccepted: "Last accepted", lastRefused: "Last refused", never: "none yet", allGood: "None refused.",
    day: "Day (UTC)", accepted: "Accepted", refused: "Refused", noDeliveries: "No deliveries yet.", details: "Details",
    "secret.cloudpayments": "the API Secret in the CloudPayments cabinet (Settings → API Secret)", "secret.vk": "the secret key in the community's Callback API settings",
    "secret.generic": "the webhook secret", "secret.yookassa": "the secret key",
    "reason.signature": "The signature does not match: check {secret}; it must be the one saved here.",
    "reason.unknown-shop": "Unknown shop id: the payment was made to another YooKassa shop than the one saved here.",
    "reason.wrong-source": "Sent from outside YooKassa's networks: check the allowed networks, or the proxy in front of the service.",
    "reason.wrong-community": "The event is from another VK community: check the community id.",
    "reason.not-configured": "Notifications arrive, but this provider is not set up here: save its settings.",
    "reason.wrong-url": "Not one of these addresses: copy the address from here.",
    "reason.unreadable": "The notification cannot be accepted as sent: the field and its rule are in the details.",
    "reason.wrong-type": "The notification's format (Content-Type) is not one this provider sends: check the format in its cabinet.",
    "reason.too-large": "The notification is larger than 64 KiB.", "reason.unavailable": "The service could not store it just then; the provider delivers it again.",
    "reason.refused": "Refused (status {status}).",
  },
};

/** The fields each provider's form has; secrets are password inputs, always empty. */
const forms: Record<string, { name: string; secret?: boolean; lines?: boolean; number?: boolean }[]> = {
  cloudpayments: [{ name: "apiSecret", secret: true }],
  yookassa: [{ name: "shopId" }, { name: "secretKey", secret: true }, { name: "allowedNetworks", lines: true }],
  vk: [{ name: "groupId", number: true }, { name: "secret", secret: true }, { name: "confirmation" }],
  generic: [{ name: "secret", secret: true }],
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api } = ctx;
  const list = await api.get<{ providers: Provider[] }>("providers");
  const healthSlots = new Map<string, HTMLElement>();
  ctx.root.append(el("h1", {}, t("title")), el("p", { class: "muted" }, t("intro")));
  for (const p of list.providers) {
    const slot = el("div", { "data-testid": `health-${p.provider}` });
    healthSlots.set(p.provider, slot);
    fill(slot, health(ctx, p));
    ctx.root.append(card(ctx, p, slot));
  }
  whileShown(ctx, 3000, async () => {
    const fresh = await api.get<{ providers: Provider[] }>("providers").catch(() => null);
    for (const p of fresh?.providers ?? []) {
      const slot = healthSlots.get(p.provider);
      if (slot) fill(slot, health(ctx, p));
    }
  });
}

function card(ctx: Ctx, p: Provider, healthSlot: HTMLElement): HTMLElement {
  const { t, format } = ctx;
  const status = el("p", { "data-testid": `status-${p.provider}`, "data-configured": String(p.configured) }, p.configured ? t("configured", { date: format.dateTime(p.updatedAt) }) : t("notConfigured"));
  const addresses = el("div", {}, ...p.webhooks.map((w, i) => el("div", { class: "row", "data-testid": `webhook-${p.provider}` },
    el("code", { "data-testid": `url-${p.provider}-${w.notifications[0]}` }, w.url), copyButton(ctx, w.url, `copy-${p.provider}-${i}`),
    el("span", { class: "muted" }, `${t("notifications")}: ${w.notifications.join(", ")}${w.required ? "" : ` (${t("optional")})`}`))));
  const inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement>();
  const fields = forms[p.provider] ?? [];
  const formFields = fields.map((f) => {
    const secret = p.secrets.find((s) => s.field === f.name);
    const testid = `${p.provider}-${f.name}`;
    const input = f.lines ? el("textarea", { rows: 3, "data-testid": testid }) : el("input", { type: f.secret ? "password" : f.number ? "number" : "text", autocomplete: "off", "data-testid": testid });
    const saved = p.settings as Record<string, unknown> | null;
    if (!f.secret && saved && saved[f.name] !== null && saved[f.name] !== undefined) input.value = Array.isArray(saved[f.name]) ? (saved[f.name] as string[]).join("\n") : String(saved[f.name]);
    inputs.set(f.name, input);
    const label = secret ? `${t(`field.${f.name}`)} — ${secret.set ? t("secretSet") : t("secretUnset")}` : t(`field.${f.name}`);
    return el("label", { "data-testid": secret ? `secret-${p.provider}-${f.name}` : undefined, "data-set": secret ? String(secret.set) : undefined }, label, input);
  });
  const result = el("div", { "data-testid": `result-${p.provider}` });
  const form = el("form", { onsubmit: async (event: Event) => {
    event.preventDefault();
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const value = inputs.get(f.name)!.value.trim();
      if (!value) continue;
      body[f.name] = f.lines ? value.split(/\s+/).filter(Boolean) : f.number ? Number(value) : value;
    }
    const problems = Object.fromEntries(fields.map((f) => [f.name, t(`problem.${f.name === "secret" ? "secret" : f.name}`)]));
    if (await submit(ctx, result, () => ctx.api.put(`providers/${p.provider}`, body), problems, t("saved"))) {
      for (const f of fields) if (f.secret) inputs.get(f.name)!.value = "";
      const fresh = (await ctx.api.get<{ providers: Provider[] }>("providers")).providers.find((x) => x.provider === p.provider);
      if (fresh) {
        fill(status, t("configured", { date: format.dateTime(fresh.updatedAt) }));
        status.dataset.configured = "true";
        for (const s of fresh.secrets) {
          const label = form.querySelector<HTMLElement>(`[data-testid=secret-${p.provider}-${s.field}]`);
          if (label) { label.dataset.set = String(s.set); label.firstChild!.textContent = `${t(`field.${s.field}`)} — ${s.set ? t("secretSet") : t("secretUnset")}`; }
        }
      }
    }
  } }, ...formFields, el("p", { class: "muted" }, t("secretsHint")), el("button", { type: "submit", "data-testid": `save-${p.provider}` }, t("save")), result);
  return el("section", { class: "card", "data-testid": `provider-${p.provider}` },
    el("h2", {}, t(`name.${p.provider}`)), status,
    el("h3", {}, t("url")), addresses,
    form,
    el("h3", {}, t("health")), healthSlot);
}

function health(ctx: Ctx, p: Provider): HTMLElement {
  const { t, format, lang } = ctx;
  const h = p.health;
  const refused = h.lastRefused;
  const reason = refused ? el("div", { class: "error", role: "status", "data-testid": `reason-${p.provider}`, "data-code": refused.code },
    el("p", {}, t(`reason.${refused.code}`, { secret: t(`secret.${p.provider}`), status: refused.status })),
    lang === "en" ? el("p", { class: "detail" }, refused.detail)
      : el("details", {}, el("summary", {}, t("details")), el("p", { class: "detail", lang: "en" }, refused.detail))) : el("p", { class: "muted" }, t("allGood"));
  const days = h.days.length === 0 ? el("p", { class: "muted" }, t("noDeliveries")) : ctx.table({
    testid: `days-${p.provider}`, rows: h.days, rowTestId: (d) => `day-${p.provider}-${d.day}`,
    columns: [
      { title: t("day"), value: (d) => d.day, cell: (d) => format.date(d.day) },
      { title: t("accepted"), value: (d) => d.accepted, numeric: true, testid: "accepted" },
      { title: t("refused"), value: (d) => d.refused, numeric: true, testid: "refused" },
    ],
  });
  return el("div", {},
    el("dl", {},
      el("dt", {}, t("lastAccepted")), el("dd", { "data-testid": `last-accepted-${p.provider}` }, h.lastAcceptedAt ? format.dateTime(h.lastAcceptedAt) : t("never")),
      el("dt", {}, t("lastRefused")), el("dd", { "data-testid": `last-refused-${p.provider}` }, refused ? format.dateTime(refused.at) : t("never"))),
    reason, days);
}

const page: Page = { route: "/setup/providers", nav: { ru: "Провайдеры", en: "Providers" }, order: 10, manager: true, messages, render };
export default page;
