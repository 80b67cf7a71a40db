import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import type { DonationLine } from "./donations";
import { money, term, withTerms } from "./shared";

// One donation, as an accountant signs it: why it was credited (rule, model, window, every click that took part) and
// every revision of the decision with its cause.
interface Credit { postId: string | null; campaignId: string | null; fundraiserId: string | null; clickId: string | null; share: number; amountMinor: number }
interface Touchpoint { clickId: string; postId: string | null; campaignId: string | null; clickedAt: string | null; isBot: boolean | null; named: boolean; creditedMinor: number }
interface Revision { revision: number; cause: string; decidedAt: string; status: string; rule: string; reason: string | null; model: string; lookbackDays: number; settingsVersion: number; amountMinor: number; refundedMinor: number; attributedMinor: number; credits: Credit[] }
interface Donation extends DonationLine { attribution: DonationLine["attribution"] & { settingsVersion: number; decidedAt: string; credits: Credit[] }; touchpoints: Touchpoint[]; history: Revision[] }

const messages = {
  ru: {
    title: "Пожертвование {tx}", back: "← к поиску", provider: "Провайдер", when: "Когда сделано", amount: "Сумма", refunded: "Возвращено", attributed: "Атрибутировано",
    donor: "Донор", erased: "данные донора удалены", subscription: "Подписка", explanation: "Почему так", status: "Статус", reason: "Причина", rule: "Правило",
    model: "Модель", window: "Окно", days: "{days} дн.", version: "Версия настроек", revision: "Ревизия", cause: "Причина изменения", decided: "Решено",
    touchpoints: "Клики, участвовавшие в решении", clickedAt: "Время клика", post: "Пост", campaign: "Кампания", bot: "Бот", named: "Указан в платеже",
    credited: "Зачтено сейчас", yes: "да", no: "нет", unknown: "неизвестно", noTouchpoints: "Ни одного клика: платёж не назвал клик, а правило не нашло другого.",
    history: "История решений", credits: "Зачтено постам", share: "{post}: {money}",
  },
  en: {
    title: "Donation {tx}", back: "← back to the search", provider: "Provider", when: "Made", amount: "Amount", refunded: "Refunded", attributed: "Attributed",
    donor: "Donor", erased: "donor's details erased", subscription: "Subscription", explanation: "Why", status: "Status", reason: "Reason", rule: "Rule",
    model: "Model", window: "Window", days: "{days} days", version: "Settings version", revision: "Revision", cause: "Cause of the change", decided: "Decided",
    touchpoints: "Clicks that took part", clickedAt: "Clicked", post: "Post", campaign: "Campaign", bot: "Bot", named: "Named by the payment",
    credited: "Credited now", yes: "yes", no: "no", unknown: "unknown", noTouchpoints: "No click: the payment named none and the rule found none.",
    history: "Decision history", credits: "Credited to posts", share: "{post}: {money}",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const back = el("p", {}, el("a", { href: "#/reports/donations", "data-testid": "back" }, t("back")));
  const d = await api.get<Donation>(`donations/${encodeURIComponent(ctx.params.id!)}`).catch((error: unknown) => {
    ctx.root.append(back, ctx.error(error));
    return null;
  });
  if (!d) return;
  const a = d.attribution;
  const yesNo = (v: boolean | null) => (v == null ? t("unknown") : v ? t("yes") : t("no"));
  const attributed = a.credits.reduce((s, c) => s + c.amountMinor, 0);
  const credits = (list: Credit[], currency: string) => list.length === 0 ? "—"
    : el("div", { class: "nowrap" }, ...list.map((c) => el("div", {}, t("share", { post: c.postId ?? c.fundraiserId ?? c.campaignId ?? "—", money: format.money(c.amountMinor, currency) }))));
  ctx.root.append(back, el("h1", {}, t("title", { tx: d.providerTxId })),
    el("section", { class: "card", "data-testid": "donation", "data-id": d.id },
      el("dl", {},
        el("dt", {}, t("provider")), el("dd", {}, d.provider),
        el("dt", {}, t("when")), el("dd", {}, format.dateTime(d.occurredAt)),
        el("dt", {}, t("amount")), el("dd", {}, money(ctx, d.amountMinor, d.currency, "amount")),
        el("dt", {}, t("refunded")), el("dd", {}, money(ctx, d.refundedMinor, d.currency, "refunded")),
        el("dt", {}, t("attributed")), el("dd", {}, money(ctx, attributed, d.currency, "attributed")),
        el("dt", {}, t("donor")), el("dd", { "data-testid": "donor" }, d.donor ? `${d.donor.id}${d.donor.erased ? ` (${t("erased")})` : ""}` : "—"),
        d.subscriptionId ? el("dt", {}, t("subscription")) : "", d.subscriptionId ? el("dd", {}, d.subscriptionId) : "")),
    el("section", { class: "card", "data-testid": "explanation" }, el("h2", {}, t("explanation")),
      el("dl", {},
        el("dt", {}, t("status")), el("dd", { "data-testid": "status" }, term(ctx, a.status)),
        a.reason ? el("dt", {}, t("reason")) : "", a.reason ? el("dd", { "data-testid": "reason" }, term(ctx, a.reason)) : "",
        el("dt", {}, t("rule")), el("dd", { "data-testid": "rule" }, term(ctx, a.rule)),
        el("dt", {}, t("model")), el("dd", { "data-testid": "model" }, term(ctx, a.model)),
        el("dt", {}, t("window")), el("dd", { "data-testid": "window" }, t("days", { days: a.lookbackDays })),
        el("dt", {}, t("version")), el("dd", {}, format.number(a.settingsVersion)),
        el("dt", {}, t("revision")), el("dd", {}, `${a.revision}: ${term(ctx, a.cause)}`))),
    el("section", { class: "card" }, el("h2", {}, t("touchpoints")), ctx.table({
      testid: "touchpoints", rows: d.touchpoints, rowTestId: (p) => `touchpoint-${p.clickId}`, empty: t("noTouchpoints"),
      columns: [
        { title: t("clickedAt"), value: (p) => p.clickedAt, cell: (p) => format.dateTime(p.clickedAt), testid: "clicked-at" },
        { title: t("post"), value: (p) => p.postId, testid: "post" },
        { title: t("campaign"), value: (p) => p.campaignId },
        { title: t("bot"), value: (p) => yesNo(p.isBot), testid: "bot" },
        { title: t("named"), value: (p) => yesNo(p.named), testid: "named" },
        { title: t("credited"), value: (p) => p.creditedMinor, cell: (p) => money(ctx, p.creditedMinor, d.currency), numeric: true, testid: "credited" },
      ],
    })),
    el("section", { class: "card" }, el("h2", {}, t("history")), ctx.table({
      testid: "history", rows: d.history, rowTestId: (h) => `revision-${h.revision}`,
      columns: [
        { title: t("revision"), value: (h) => h.revision, numeric: true },
        { title: t("cause"), value: (h) => term(ctx, h.cause), testid: "cause" },
        { title: t("decided"), value: (h) => h.decidedAt, cell: (h) => format.dateTime(h.decidedAt) },
        { title: t("status"), value: (h) => `${term(ctx, h.status)}${h.reason ? ` — ${term(ctx, h.reason)}` : ""}`, testid: "status" },
        { title: t("rule"), value: (h) => term(ctx, h.rule) },
        { title: t("model"), value: (h) => `${term(ctx, h.model)}, ${t("days", { days: h.lookbackDays })}`, testid: "model" },
        { title: t("refunded"), value: (h) => h.refundedMinor, cell: (h) => money(ctx, h.refundedMinor, d.currency), numeric: true, testid: "refunded" },
        { title: t("attributed"), value: (h) => h.attributedMinor, cell: (h) => money(ctx, h.attributedMinor, d.currency), numeric: true, testid: "attributed" },
        { title: t("credits"), value: (h) => h.credits.length, cell: (h) => credits(h.credits, d.currency) },
      ],
    })));
}

const page: Page = { route: "/reports/donations/:id", messages: withTerms(messages), render };
export default page;
