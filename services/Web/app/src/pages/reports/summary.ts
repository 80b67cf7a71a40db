import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { chartMoney, currenciesOf, ngoDay, type Period, periodBar, term, withTerms } from "./shared";

// The reports overview (the former dashboard of Reporting): totals per currency, this period against the one before,
// why money is unattributed, money per day, fundraisers; the posts are the posts page's.
interface Totals { currency: string; grossMinor: number; refundedMinor: number; feeMinor: number; netMinor: number; attributedMinor: number; unattributedMinor: number; donations: number }
interface Summary { currencies: Totals[]; unattributed: { currency: string; reason: string; netMinor: number; donations: number }[] }
interface Daily { byKey: { day: string; key: string; currency: string; attributedMinor: number }[] }
interface Fundraiser { fundraiserId: string; title: string; currency: string; goalMinor: number; raisedMinor: number; percent: number; donors: number; deadline: string; status: string }

const messages = {
  ru: {
    title: "Сводка", period: "Период", net: "Чистыми", gross: "Получено", refunded: "Возвраты", fee: "Комиссии", attributed: "Атрибутировано",
    unattributed: "Не атрибутировано ({share})", donations: "Пожертвований", none: "Пожертвований за период нет.",
    reasons: "Неатрибутированные — почему", allAttributed: "Все пожертвования атрибутированы.", reasonLine: "{reason}: {money}, пожертвований: {count}",
    daily: "Деньги по дням", dailyLast: "Деньги по дням за последние {days} дн.", others: "Остальные", byPost: "по постам", byCampaign: "по кампаниям", noDaily: "Нет атрибутированных денег за период.", chartCurrency: "Валюта графика: {currency}",
    fundraisers: "Сборы", noFundraisers: "Сборов нет.", fundraiserLine: "{title}: {raised} из {goal} ({percent}%)", fundraiserStatus: "{status}, до {deadline}, доноров: {donors}",
    posts: "Посты, их воронка и деньги — на странице «Воронка постов».", postsLink: "Открыть",
    compare: "{current} против {previous}", compareLast: "Последние {days} дн. против {days} дн. до них", previous: "Раньше", change: "Изменение",
    noCompare: "Ни в одном из двух периодов пожертвований нет.", compareNote: "Чистыми (получено минус возвраты), по дате пожертвования; каждая валюта отдельно.",
  },
  en: {
    title: "Summary", period: "Period", net: "Net", gross: "Received", refunded: "Refunds", fee: "Fees", attributed: "Attributed",
    unattributed: "Unattributed ({share})", donations: "Donations", none: "No donations in this period.",
    reasons: "Unattributed — why", allAttributed: "Every donation is attributed.", reasonLine: "{reason}: {money}, donations: {count}",
    daily: "Money by day", dailyLast: "Money by day, the last {days} days", others: "Others", byPost: "by post", byCampaign: "by campaign", noDaily: "No attributed money in this period.", chartCurrency: "Chart currency: {currency}",
    fundraisers: "Fundraisers", noFundraisers: "No fundraisers.", fundraiserLine: "{title}: {raised} of {goal} ({percent}%)", fundraiserStatus: "{status}, until {deadline}, donors: {donors}",
    posts: "Posts, their funnel and money are on the Post funnel page.", postsLink: "Open",
    compare: "{current} against {previous}", compareLast: "The last {days} days against the {days} days before", previous: "Before", change: "Change",
    noCompare: "No donations in either period.", compareNote: "Net (received less refunds), by when the donation was made; each currency on its own.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api } = ctx;
  const by = el("select", { "data-testid": "by" }, el("option", { value: "post" }, t("byPost")), el("option", { value: "campaign" }, t("byCampaign")));
  const body = el("div");
  const load = async (period: Period) => {
    body.replaceChildren(el("p", { class: "muted" }, t("common.loading")));
    try {
      // The comparison's two summaries are asked for with the others, not after them.
      const [summary, daily, fundraisers, compared] = await Promise.all([
        api.get<Summary>("reports/summary", period), api.get<Daily>("reports/daily", { ...chartPeriod(ctx, period), by: by.value, top: chartSeries }),
        api.get<Fundraiser[]>("reports/fundraisers", period), comparison(ctx, period)]);
      body.replaceChildren(totals(ctx, summary), compared, reasons(ctx, summary), dailyChart(ctx, daily, by, period),
        fundraiserBars(ctx, fundraisers),
        el("section", { class: "card" }, el("p", {}, t("posts"), " ", el("a", { href: "#/reports/funnel", "data-testid": "posts-link" }, t("postsLink")))));
      document.body.dataset.loaded = "true";
      performance.mark("dashboard-loaded"); // the render's own time from navigation start, for the benchmark
    } catch (error) {
      body.replaceChildren(ctx.error(error));
    }
  };
  const { bar, period } = periodBar(ctx, load);
  by.addEventListener("change", () => void load(period()));
  ctx.root.append(el("h1", {}, t("title")), bar, body);
  await load(period());
}

const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The chosen period against the one of the same length just before it; with no whole period chosen, the last 30 days. */
export function periods(period: Period, today: string): { current: Period; previous: Period; days: number; chosen: boolean } {
  const chosen = period.from !== "" && period.to !== "";
  const end = Date.parse(chosen ? period.to : today);
  const start = chosen ? Date.parse(period.from) : end - 29 * day;
  const days = Math.round((end - start) / day) + 1;
  return { current: { from: iso(start), to: iso(end) }, previous: { from: iso(start - days * day), to: iso(start - day) }, days, chosen };
}

async function comparison(ctx: Ctx, period: Period): Promise<HTMLElement> {
  const { t, api, format } = ctx;
  const p = periods(period, ngoDay(ctx, Date.now()));
  const section = el("section", { class: "card", "data-testid": "comparison", "data-current": `${p.current.from}..${p.current.to}`, "data-previous": `${p.previous.from}..${p.previous.to}` },
    el("h2", {}, p.chosen ? t("compare", { current: `${format.date(p.current.from)} – ${format.date(p.current.to)}`, previous: `${format.date(p.previous.from)} – ${format.date(p.previous.to)}` })
      : t("compareLast", { days: p.days })));
  if (p.days < 1) return section;
  const [now, before] = await Promise.all([api.get<Summary>("reports/summary", p.current), api.get<Summary>("reports/summary", p.previous)]);
  const currencies = currenciesOf([...now.currencies, ...before.currencies]);
  if (currencies.length === 0) { section.append(el("p", {}, t("noCompare"))); return section; }
  const net = (s: Summary, c: string) => s.currencies.find((x) => x.currency === c)?.netMinor ?? 0;
  const count = (s: Summary, c: string) => s.currencies.find((x) => x.currency === c)?.donations ?? 0;
  section.append(el("div", { class: "cards" }, ...currencies.map((c) => {
    const a = net(now, c), b = net(before, c), change = a - b;
    return el("div", { class: "card", "data-testid": `compare-${c}` },
      el("div", { class: "money", "data-testid": `compare-net-${c}`, "data-minor": a }, format.money(a, c)),
      el("dl", {},
        el("dt", {}, t("previous")), el("dd", { "data-testid": `compare-previous-${c}`, "data-minor": b }, format.money(b, c)),
        el("dt", {}, t("change")), el("dd", { "data-testid": `compare-change-${c}`, "data-minor": change, class: change < 0 ? "down" : "up" },
          `${change > 0 ? "+" : ""}${format.money(change, c)}${b > 0 ? ` (${change > 0 ? "+" : ""}${format.percent(change / b)})` : ""}`),
        el("dt", {}, t("donations")), el("dd", { "data-testid": `compare-donations-${c}` }, `${format.number(count(now, c))} / ${format.number(count(before, c))}`)));
  })), el("p", { class: "note" }, t("compareNote")));
  return section;
}

function money(ctx: Ctx, label: string, minor: number, currency: string, testid: string): HTMLElement[] {
  return [el("dt", {}, label), el("dd", { "data-testid": testid, "data-minor": minor }, ctx.format.money(minor, currency))];
}

function totals(ctx: Ctx, summary: Summary): HTMLElement {
  const { t, format } = ctx;
  if (summary.currencies.length === 0) return el("section", { class: "card", "data-testid": "summary" }, el("p", { "data-testid": "empty" }, t("none")));
  return el("section", { class: "cards", "data-testid": "summary" }, ...summary.currencies.map((c) => el("div", { class: "card", "data-testid": `currency-${c.currency}` },
    el("div", { class: "money", "data-testid": `net-${c.currency}`, "data-minor": c.netMinor }, format.money(c.netMinor, c.currency)),
    el("dl", {},
      ...money(ctx, t("gross"), c.grossMinor, c.currency, `gross-${c.currency}`),
      ...money(ctx, t("refunded"), c.refundedMinor, c.currency, `refunded-${c.currency}`),
      ...money(ctx, t("fee"), c.feeMinor, c.currency, `fee-${c.currency}`),
      ...money(ctx, t("attributed"), c.attributedMinor, c.currency, `attributed-${c.currency}`),
      ...money(ctx, t("unattributed", { share: format.percent(c.netMinor > 0 ? c.unattributedMinor / c.netMinor : 0) }), c.unattributedMinor, c.currency, `unattributed-${c.currency}`),
      el("dt", {}, t("donations")), el("dd", { "data-testid": `donations-${c.currency}` }, format.number(c.donations))))));
}

function reasons(ctx: Ctx, summary: Summary): HTMLElement {
  const { t, format } = ctx;
  const box = el("div", { "data-testid": "reasons" });
  for (const currency of new Set(summary.unattributed.map((r) => r.currency))) {
    const rows = summary.unattributed.filter((r) => r.currency === currency);
    const total = rows.reduce((sum, r) => sum + r.netMinor, 0);
    for (const r of rows)
      box.append(el("div", { "data-testid": "reason" }, el("div", {}, t("reasonLine", { reason: term(ctx, r.reason), money: format.money(r.netMinor, r.currency), count: format.number(r.donations) })),
        el("div", { class: "bar" }, el("div", { style: `width:${total > 0 ? ((100 * r.netMinor) / total).toFixed(1) : 0}%` }))));
  }
  if (summary.unattributed.length === 0) box.append(el("p", {}, t("allAttributed")));
  return el("section", { class: "card" }, el("h2", {}, t("reasons")), box);
}

/** The chart's days: the period chosen, or the last {@link chartDays} — a year of daily bars per post is neither readable nor cheap. */
const chartDays = 90, chartSeries = 7;

function chartPeriod(ctx: Ctx, period: Period): Period {
  if (period.from !== "" || period.to !== "") return period;
  const to = ngoDay(ctx, Date.now());
  return { from: iso(Date.parse(to) - (chartDays - 1) * day), to };
}

function dailyChart(ctx: Ctx, daily: Daily, by: HTMLSelectElement, period: Period): HTMLElement {
  const { t, format } = ctx;
  const title = period.from !== "" || period.to !== "" ? t("daily") : t("dailyLast", { days: chartDays });
  const section = el("section", { class: "card", "data-testid": "daily-chart" }, el("h2", {}, title, " ", by));
  const rows = daily.byKey;
  if (rows.length === 0) { section.append(el("p", {}, t("noDaily"))); return section; }
  // One chart per currency, never a sum across currencies.
  for (const currency of currenciesOf(rows)) {
    const mine = rows.filter((r) => r.currency === currency);
    const days = [...new Set(mine.map((r) => r.day))].sort();
    const keys = [...new Set(mine.map((r) => r.key))];
    const m = chartMoney(ctx, currency);
    const byDayAndKey = new Map(mine.map((r) => [`${r.day}|${r.key}`, r.attributedMinor]));
    section.append(el("h3", {}, t("chartCurrency", { currency })), ctx.chart({
      type: "bar", stacked: true, labels: days.map((d) => format.date(d)), testid: `daily-canvas-${currency}`,
      datasets: keys.map((key) => ({ label: key === "" ? t("others") : key, data: days.map((day) => m.value(byDayAndKey.get(`${day}|${key}`) ?? 0)) })),
      formatValue: m.label,
    }), el("p", { class: "muted", "data-testid": `daily-days-${currency}`, "data-days": days.length, "data-keys": keys.length }));
  }
  return section;
}

function fundraiserBars(ctx: Ctx, fundraisers: Fundraiser[]): HTMLElement {
  const { t, format } = ctx;
  const box = el("div", { "data-testid": "fundraisers" });
  if (fundraisers.length === 0) box.append(el("p", {}, t("noFundraisers")));
  for (const f of fundraisers)
    box.append(el("div", { "data-testid": `fundraiser-${f.fundraiserId}`, "data-raised-minor": f.raisedMinor },
      el("div", {}, t("fundraiserLine", { title: f.title, raised: format.money(f.raisedMinor, f.currency), goal: format.money(f.goalMinor, f.currency), percent: format.number(f.percent) })),
      el("div", { class: "bar" }, el("div", { style: `width:${Math.min(100, f.percent)}%` })),
      el("div", { class: "muted" }, t("fundraiserStatus", { status: term(ctx, f.status), deadline: format.date(f.deadline), donors: format.number(f.donors) }))));
  return el("section", { class: "card" }, el("h2", {}, t("fundraisers")), box);
}

const page: Page = { route: "/reports/summary", order: 1, nav: { ru: "Сводка", en: "Summary" }, messages: withTerms(messages), render };
export default page;
