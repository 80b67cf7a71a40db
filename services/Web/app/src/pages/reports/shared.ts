import { type Child, el } from "../../core/dom";
import type { Ctx } from "../page";

// What the report pages share: the period bar, money cells, grouping by currency (never summed across), and the words
// for the statuses, reasons and causes the API writes in English.

export type Period = { from: string; to: string };

/** The From/To/Show bar (test ids from, to, apply); `load` runs on Show. */
export function periodBar(ctx: Ctx, load: (period: Period) => Promise<void>, ...extra: Child[]): { bar: HTMLElement; period: () => Period } {
  const { t } = ctx;
  const from = el("input", { type: "date", "data-testid": "from" });
  const to = el("input", { type: "date", "data-testid": "to" });
  const period = () => ({ from: from.value, to: to.value });
  const bar = el("section", { class: "card row" }, el("label", { class: "inline" }, t("common.from"), from), el("label", { class: "inline" }, t("common.to"), to), ...extra,
    el("button", { type: "button", "data-testid": "apply", onclick: () => void load(period()) }, t("common.apply")));
  return { bar, period };
}

/** The NGO's calendar day (yyyy-mm-dd) of a moment: reports count days in the NGO's zone, whatever the browser's. */
export function ngoDay(ctx: Ctx, ms: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: ctx.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
}

/** Money as text, with its minor units in data-minor (tests read them). */
export function money(ctx: Ctx, minor: number, currency: string, testid?: string): HTMLElement {
  return el("span", { "data-testid": testid, "data-minor": minor, "data-currency": currency }, ctx.format.money(minor, currency));
}

/** The currencies present, in order. */
export function currenciesOf(rows: { currency: string }[]): string[] {
  return [...new Set(rows.map((r) => r.currency).filter((c) => c !== ""))].sort();
}

/** Minor units as the chart's numbers (major units) and back, for one currency. */
export function chartMoney(ctx: Ctx, currency: string): { value: (minor: number) => number; label: (value: number) => string } {
  const scale = 10 ** ctx.format.decimals(currency);
  return { value: (minor) => minor / scale, label: (value) => ctx.format.money(Math.round(value * scale), currency) };
}

/** A ratio such as roubles raised per rouble spent, two decimals. */
export function ratio(ctx: Ctx, value: number | null | undefined): string {
  return value == null ? "—" : ctx.format.number(Math.round(value * 100) / 100);
}

/** The API's English words for statuses, reasons, causes and rules, in the screen's language. */
export const terms = {
  ru: {
    "term.attributed": "атрибутировано", "term.unattributed": "не атрибутировано",
    "term.no click id": "нет идентификатора клика", "term.unknown click id": "неизвестный клик", "term.outside window": "клик вне окна атрибуции",
    "term.bot click": "клик бота", "term.click after payment": "клик после оплаты",
    "term.received": "получено", "term.late click": "клик пришёл позже", "term.refund": "возврат", "term.settings changed": "изменены настройки",
    "term.first payment re-attributed": "изменён первый платёж",
    "term.recurring": "регулярный платёж", "term.click-id": "по клику", "term.donor-visitor": "по посетителю", "term.fundraiser": "по сбору", "term.none": "нет",
    "term.last-click": "последний клик", "term.first-click": "первый клик", "term.linear": "поровну между кликами", "term.time-decay": "с затуханием", "term.position-based": "по позиции",
    "term.active": "идёт", "term.reached": "цель достигнута", "term.ended": "завершён", "term.ended short": "завершён, цель не достигнута",
    "term.balanced": "сходится", "term.pending": "ожидается", "term.mismatched": "расхождение", "term.matched": "совпадает", "term.awaiting-payment": "возврат ждёт платежа",
  },
  en: {
    "term.attributed": "attributed", "term.unattributed": "unattributed",
    "term.no click id": "no click id", "term.unknown click id": "unknown click", "term.outside window": "click outside the window",
    "term.bot click": "bot click", "term.click after payment": "click after the payment",
    "term.received": "received", "term.late click": "late click", "term.refund": "refund", "term.settings changed": "settings changed",
    "term.first payment re-attributed": "first payment changed",
    "term.recurring": "recurring payment", "term.click-id": "by click", "term.donor-visitor": "by visitor", "term.fundraiser": "by fundraiser", "term.none": "none",
    "term.last-click": "last click", "term.first-click": "first click", "term.linear": "shared equally", "term.time-decay": "time decay", "term.position-based": "position based",
    "term.active": "running", "term.reached": "goal reached", "term.ended": "ended", "term.ended short": "ended short of the goal",
    "term.balanced": "balanced", "term.pending": "pending", "term.mismatched": "mismatched", "term.matched": "matched", "term.awaiting-payment": "refund awaiting its payment",
  },
};

/** A term in the screen's language; an unknown one as the API wrote it. */
export function term(ctx: Ctx, word: string | null | undefined): string {
  if (word == null || word === "") return "—";
  const key = `term.${word}`;
  const said = ctx.t(key);
  return said === key ? word : said;
}

/** A page's messages with the shared terms. */
export function withTerms<M extends { ru: Record<string, string>; en: Record<string, string> }>(messages: M): M {
  return { ...messages, ru: { ...terms.ru, ...messages.ru }, en: { ...terms.en, ...messages.en } };
}
