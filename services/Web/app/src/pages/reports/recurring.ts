import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";

// Recurring donors: per currency the states, monthly recurring money and lifetime value; churn by month; the cohort
// table; the posts that brought them; every subscription. Every currency on its own, never summed.
interface Currency { currency: string; subscriptions: number; active: number; failing: number; lapsed: number; cancelled: number; monthlyRecurringMinor: number; atRiskMinor: number; lifetimeNetMinor: number; averageLifetimeValueMinor: number; averageLifetimeMonths: number }
interface Month { month: string; currency: string; atStart: number; new: number; lost: number; churn: number | null; charges: number; chargedMinor: number; netMinor: number }
interface Cohort { month: string; currency: string; size: number; retained: number[] }
interface Source { key: string; currency: string; subscriptions: number; active: number; givenNetMinor: number }
interface Subscription { provider: string; subscriptionId: string; currency: string | null; state: string; startedAt: string | null; lastChargeAt: string | null; charges: number; lastAmountMinor: number; givenNetMinor: number; lastFailure: string | null; postIds: string[] }
interface Report { currencies: Currency[]; months: Month[]; cohorts: Cohort[]; posts: Source[]; campaigns: Source[]; subscriptions: Subscription[] }

const messages = {
  ru: {
    title: "Регулярные пожертвования", none: "Регулярных пожертвований пока нет.", subscriptions: "Подписок", mrr: "Ежемесячно (активные)", atRisk: "Под угрозой (сбой списания)",
    ltv: "Средняя сумма за всё время", lifetime: "Всего получено", months: "Средний срок, мес.",
    "state.active": "активна", "state.failing": "сбой списания", "state.lapsed": "не продлена", "state.cancelled": "отменена",
    churn: "Отток по месяцам", month: "Месяц", atStart: "В начале месяца", new: "Новые", lost: "Ушли", churnShare: "Отток", charged: "Списано",
    cohorts: "Удержание по месяцу первого платежа", cohort: "Когорта", size: "Подписчиков", after: "+{n} мес.",
    sources: "Посты, которые привели регулярных доноров", post: "Пост", given: "Дали с тех пор", active: "Активны",
    list: "Все подписки", provider: "Провайдер", id: "Подписка", state: "Состояние", started: "Начало", last: "Последнее списание", charges: "Списаний", failure: "Последний сбой",
    currency: "Валюта",
  },
  en: {
    title: "Recurring donors", none: "No recurring donations yet.", subscriptions: "Subscriptions", mrr: "Monthly (active)", atRisk: "At risk (charge failed)",
    ltv: "Average lifetime value", lifetime: "Received in all", months: "Average lifetime, months",
    "state.active": "active", "state.failing": "charge failing", "state.lapsed": "lapsed", "state.cancelled": "cancelled",
    churn: "Churn by month", month: "Month", atStart: "At the month's start", new: "New", lost: "Lost", churnShare: "Churn", charged: "Charged",
    cohorts: "Retention by month of first payment", cohort: "Cohort", size: "Subscribers", after: "+{n} mo.",
    sources: "Posts that brought recurring donors", post: "Post", given: "Given since", active: "Active",
    list: "Every subscription", provider: "Provider", id: "Subscription", state: "State", started: "Started", last: "Last charge", charges: "Charges", failure: "Last failure",
    currency: "Currency",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api } = ctx;
  const body = el("div", {}, el("p", { class: "muted" }, t("common.loading")));
  ctx.root.append(el("h1", {}, t("title")), body);
  try {
    const report = await api.get<Report>("reports/recurring");
    if (report.currencies.length === 0) { body.replaceChildren(el("p", { class: "card", "data-testid": "empty" }, t("none"))); return; }
    body.replaceChildren(cards(ctx, report), churn(ctx, report), cohorts(ctx, report), sources(ctx, report), list(ctx, report));
  } catch (error) {
    body.replaceChildren(ctx.error(error));
  }
}

function cards(ctx: Ctx, r: Report): HTMLElement {
  const { t, format } = ctx;
  const money = (label: string, minor: number, currency: string, testid: string) =>
    [el("dt", {}, label), el("dd", { "data-testid": testid, "data-minor": minor }, format.money(minor, currency))];
  return el("section", { class: "cards", "data-testid": "recurring-currencies" }, ...r.currencies.map((c) => el("div", { class: "card", "data-testid": `currency-${c.currency}` },
    el("div", { class: "money", "data-testid": `mrr-${c.currency}`, "data-minor": c.monthlyRecurringMinor }, format.money(c.monthlyRecurringMinor, c.currency)),
    el("dl", {},
      el("dt", {}, t("mrr")), el("dd", {}, c.currency),
      el("dt", {}, t("subscriptions")), el("dd", { "data-testid": `subscriptions-${c.currency}` }, format.number(c.subscriptions)),
      ...["active", "failing", "lapsed", "cancelled"].flatMap((s) => [el("dt", {}, t(`state.${s}`)), el("dd", { "data-testid": `${s}-${c.currency}` }, format.number((c as unknown as Record<string, number>)[s]!))]),
      ...money(t("atRisk"), c.atRiskMinor, c.currency, `at-risk-${c.currency}`),
      ...money(t("lifetime"), c.lifetimeNetMinor, c.currency, `lifetime-${c.currency}`),
      ...money(t("ltv"), c.averageLifetimeValueMinor, c.currency, `ltv-${c.currency}`),
      el("dt", {}, t("months")), el("dd", {}, format.number(c.averageLifetimeMonths))))));
}

function churn(ctx: Ctx, r: Report): HTMLElement {
  const { t, format } = ctx;
  const section = el("section", { class: "card" }, el("h2", {}, t("churn")));
  // One chart per currency: subscribers at each month's start, never summed across currencies.
  for (const currency of [...new Set(r.months.map((m) => m.currency))]) {
    const mine = r.months.filter((m) => m.currency === currency);
    section.append(el("h3", {}, currency), ctx.chart({
      type: "bar", labels: mine.map((m) => m.month), testid: `churn-canvas-${currency}`,
      datasets: [{ label: t("atStart"), data: mine.map((m) => m.atStart) }, { label: t("new"), data: mine.map((m) => m.new) }, { label: t("lost"), data: mine.map((m) => m.lost) }],
    }));
  }
  section.append(ctx.table({
    testid: "recurring-months", rows: r.months,
    downloads: { path: "reports/recurring/months", query: {}, name: `${ctx.ngo}-recurring-months`, formats: ["csv", "xlsx"] },
    columns: [
      { title: t("month"), value: (m) => m.month }, { title: t("currency"), value: (m) => m.currency },
      { title: t("atStart"), value: (m) => m.atStart, cell: (m) => format.number(m.atStart), numeric: true },
      { title: t("new"), value: (m) => m.new, cell: (m) => format.number(m.new), numeric: true },
      { title: t("lost"), value: (m) => m.lost, cell: (m) => format.number(m.lost), numeric: true },
      { title: t("churnShare"), value: (m) => m.churn, cell: (m) => (m.churn == null ? "—" : format.percent(m.churn)), numeric: true },
      { title: t("charged"), value: (m) => m.netMinor, cell: (m) => el("span", { "data-minor": m.netMinor }, format.money(m.netMinor, m.currency)), numeric: true, testid: "net" },
    ],
  }));
  return section;
}

function cohorts(ctx: Ctx, r: Report): HTMLElement {
  const { t, format } = ctx;
  const width = Math.max(0, ...r.cohorts.map((c) => c.retained.length));
  return el("section", { class: "card" }, el("h2", {}, t("cohorts")), ctx.table({
    testid: "recurring-cohorts", rows: r.cohorts,
    downloads: { path: "reports/recurring/cohorts", query: {}, name: `${ctx.ngo}-recurring-cohorts`, formats: ["csv", "xlsx"] },
    columns: [
      { title: t("cohort"), value: (c) => c.month }, { title: t("currency"), value: (c) => c.currency },
      { title: t("size"), value: (c) => c.size, cell: (c) => format.number(c.size), numeric: true },
      ...Array.from({ length: width }, (_, k) => ({
        title: t("after", { n: String(k) }), value: (c: Cohort) => c.retained[k] ?? null, numeric: true,
        cell: (c: Cohort) => (c.retained[k] == null ? "" : `${format.number(c.retained[k]!)} · ${format.percent(c.retained[k]! / c.size)}`),
      })),
    ],
  }));
}

function sources(ctx: Ctx, r: Report): HTMLElement {
  const { t, format } = ctx;
  return el("section", { class: "card" }, el("h2", {}, t("sources")), ctx.table({
    testid: "recurring-posts", rows: r.posts,
    downloads: { path: "reports/recurring/posts", query: {}, name: `${ctx.ngo}-recurring-posts`, formats: ["csv", "xlsx"] },
    columns: [
      { title: t("post"), value: (s) => s.key }, { title: t("currency"), value: (s) => s.currency },
      { title: t("subscriptions"), value: (s) => s.subscriptions, cell: (s) => format.number(s.subscriptions), numeric: true },
      { title: t("active"), value: (s) => s.active, cell: (s) => format.number(s.active), numeric: true },
      { title: t("given"), value: (s) => s.givenNetMinor, cell: (s) => el("span", { "data-minor": s.givenNetMinor }, format.money(s.givenNetMinor, s.currency)), numeric: true, testid: "given" },
    ],
  }));
}

function list(ctx: Ctx, r: Report): HTMLElement {
  const { t, format } = ctx;
  return el("section", { class: "card" }, el("h2", {}, t("list")), ctx.table({
    testid: "recurring-subscriptions", rows: r.subscriptions,
    downloads: { path: "reports/recurring/subscriptions", query: {}, name: `${ctx.ngo}-recurring-subscriptions`, formats: ["csv", "xlsx"] },
    columns: [
      { title: t("provider"), value: (s) => s.provider }, { title: t("id"), value: (s) => s.subscriptionId },
      { title: t("state"), value: (s) => t(`state.${s.state}`) },
      { title: t("started"), value: (s) => s.startedAt, cell: (s) => (s.startedAt ? format.date(s.startedAt) : "—") },
      { title: t("last"), value: (s) => s.lastChargeAt, cell: (s) => (s.lastChargeAt ? format.date(s.lastChargeAt) : "—") },
      { title: t("charges"), value: (s) => s.charges, cell: (s) => format.number(s.charges), numeric: true },
      { title: t("given"), value: (s) => s.givenNetMinor, cell: (s) => (s.currency ? format.money(s.givenNetMinor, s.currency) : "—"), numeric: true },
      { title: t("failure"), value: (s) => s.lastFailure ?? "" },
    ],
  }));
}

const page: Page = { route: "/reports/recurring", order: 20, nav: { ru: "Регулярные доноры", en: "Recurring donors" }, messages, render };
export default page;
