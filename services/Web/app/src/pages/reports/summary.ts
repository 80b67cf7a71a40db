import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";

// The reports overview (the former dashboard of Reporting): totals per currency, why money is unattributed,
// money per day, fundraisers, posts.
interface Totals { currency: string; grossMinor: number; refundedMinor: number; feeMinor: number; netMinor: number; attributedMinor: number; unattributedMinor: number; donations: number }
interface Summary { currencies: Totals[]; unattributed: { currency: string; reason: string; netMinor: number; donations: number }[] }
interface Daily { byKey: { day: string; key: string; currency: string; attributedMinor: number }[] }
interface Fundraiser { fundraiserId: string; title: string; currency: string; goalMinor: number; raisedMinor: number; percent: number; donors: number; deadline: string; status: string }
interface MoneyLine { currency: string; attributedMinor: number; raisedPerRubleSpent: number | null }
interface PostLine { postId: string; campaignId: string; clicks: number; botClicks: number; donations: number; conversion: number | null; money: MoneyLine[]; vk?: { text: string } | null }

const messages = {
  ru: {
    title: "Сводка", period: "Период", net: "Чистыми", gross: "Получено", refunded: "Возвраты", fee: "Комиссии", attributed: "Атрибутировано",
    unattributed: "Не атрибутировано ({share})", donations: "Пожертвований", none: "Пожертвований за период нет.",
    reasons: "Неатрибутированные — почему", allAttributed: "Все пожертвования атрибутированы.", reasonLine: "{reason}: {money}, пожертвований: {count}",
    daily: "Деньги по дням", byPost: "по постам", byCampaign: "по кампаниям", noDaily: "Нет атрибутированных денег за период.", chartCurrency: "Валюта графика: {currency}",
    fundraisers: "Сборы", noFundraisers: "Сборов нет.", fundraiserLine: "{title}: {raised} из {goal} ({percent}%)", fundraiserStatus: "{status}, до {deadline}, доноров: {donors}",
    "status.active": "идёт", "status.reached": "цель достигнута", "status.ended": "завершён", "status.ended short": "завершён, цель не достигнута",
    posts: "Посты", post: "Пост", campaign: "Кампания", clicks: "Клики", bots: "Боты", conversion: "Конверсия (доноры ÷ люди)", raised: "Собрано", perRuble: "Руб. на руб. затрат",
    note: "Конверсия — доля людей, перешедших по ссылке поста, которые пожертвовали: доноры ÷ люди (не клики). Боты не считаются. «Руб. на руб. затрат» — только для рублей.",
  },
  en: {
    title: "Summary", period: "Period", net: "Net", gross: "Received", refunded: "Refunds", fee: "Fees", attributed: "Attributed",
    unattributed: "Unattributed ({share})", donations: "Donations", none: "No donations in this period.",
    reasons: "Unattributed — why", allAttributed: "Every donation is attributed.", reasonLine: "{reason}: {money}, donations: {count}",
    daily: "Money by day", byPost: "by post", byCampaign: "by campaign", noDaily: "No attributed money in this period.", chartCurrency: "Chart currency: {currency}",
    fundraisers: "Fundraisers", noFundraisers: "No fundraisers.", fundraiserLine: "{title}: {raised} of {goal} ({percent}%)", fundraiserStatus: "{status}, until {deadline}, donors: {donors}",
    "status.active": "running", "status.reached": "goal reached", "status.ended": "ended", "status.ended short": "ended short of the goal",
    posts: "Posts", post: "Post", campaign: "Campaign", clicks: "Clicks", bots: "Bots", conversion: "Conversion (donors ÷ people)", raised: "Raised", perRuble: "Roubles per rouble spent",
    note: "Conversion is the share of people who followed the post's link and gave: donors ÷ people (not clicks). Bots are not counted. Roubles per rouble spent is for roubles only.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api } = ctx;
  const from = el("input", { type: "date", "data-testid": "from" });
  const to = el("input", { type: "date", "data-testid": "to" });
  const by = el("select", { "data-testid": "by" }, el("option", { value: "post" }, t("byPost")), el("option", { value: "campaign" }, t("byCampaign")));
  const body = el("div");
  const load = async () => {
    body.replaceChildren(el("p", { class: "muted" }, t("common.loading")));
    const period = { from: from.value, to: to.value };
    try {
      const [summary, daily, fundraisers, posts] = await Promise.all([
        api.get<Summary>("reports/summary", period), api.get<Daily>("reports/daily", { ...period, by: by.value }),
        api.get<Fundraiser[]>("reports/fundraisers", period), api.get<PostLine[]>("reports/posts", period)]);
      body.replaceChildren(totals(ctx, summary), reasons(ctx, summary), dailyChart(ctx, daily, by),
        fundraiserBars(ctx, fundraisers), postTable(ctx, posts, period));
      document.body.dataset.loaded = "true";
    } catch (error) {
      body.replaceChildren(ctx.error(error));
    }
  };
  by.addEventListener("change", () => void load());
  ctx.root.append(el("h1", {}, t("title")),
    el("section", { class: "card row" }, el("label", { class: "inline" }, t("common.from"), from), el("label", { class: "inline" }, t("common.to"), to),
      el("button", { type: "button", "data-testid": "apply", onclick: () => void load() }, t("common.apply"))),
    body);
  await load();
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
      box.append(el("div", { "data-testid": "reason" }, el("div", {}, t("reasonLine", { reason: r.reason, money: format.money(r.netMinor, r.currency), count: format.number(r.donations) })),
        el("div", { class: "bar" }, el("div", { style: `width:${total > 0 ? ((100 * r.netMinor) / total).toFixed(1) : 0}%` }))));
  }
  if (summary.unattributed.length === 0) box.append(el("p", {}, t("allAttributed")));
  return el("section", { class: "card" }, el("h2", {}, t("reasons")), box);
}

function dailyChart(ctx: Ctx, daily: Daily, by: HTMLSelectElement): HTMLElement {
  const { t, format } = ctx;
  const section = el("section", { class: "card", "data-testid": "daily-chart" }, el("h2", {}, t("daily"), " ", by));
  const rows = daily.byKey;
  if (rows.length === 0) { section.append(el("p", {}, t("noDaily"))); return section; }
  // One chart per currency would be honest too; the first currency is charted and named, never a sum across currencies.
  const currency = rows[0]!.currency;
  const mine = rows.filter((r) => r.currency === currency);
  const days = [...new Set(mine.map((r) => r.day))].sort();
  const keys = [...new Set(mine.map((r) => r.key))];
  const decimals = 10 ** format.decimals(currency);
  section.append(ctx.chart({
    type: "bar", stacked: true, labels: days.map((d) => format.date(d)), testid: "daily-canvas",
    datasets: keys.map((key) => ({ label: key, data: days.map((day) => (mine.find((r) => r.day === day && r.key === key)?.attributedMinor ?? 0) / decimals) })),
    formatValue: (value) => format.money(Math.round(value * decimals), currency),
  }), el("p", { class: "muted", "data-testid": "daily-days", "data-days": days.length, "data-keys": keys.length }, t("chartCurrency", { currency })));
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
      el("div", { class: "muted" }, t("fundraiserStatus", { status: t(`status.${f.status}`), deadline: format.date(f.deadline), donors: format.number(f.donors) }))));
  return el("section", { class: "card" }, el("h2", {}, t("fundraisers")), box);
}

function postTable(ctx: Ctx, posts: PostLine[], period: { from: string; to: string }): HTMLElement {
  const { t, format } = ctx;
  // A post raising money in two currencies has a line per currency.
  const lines = posts.flatMap((p) => (p.money.length ? p.money : [null]).map((m) => ({ p, m })));
  return el("section", { class: "card" }, el("h2", {}, t("posts")),
    ctx.table({
      testid: "posts", rowTestId: (l) => `post-${l.p.postId}`,
      downloads: { path: "reports/posts", query: period, name: `${ctx.ngo}-posts`, formats: ["csv"] },
      rows: lines,
      columns: [
        { title: t("post"), value: (l) => l.p.postId },
        { title: t("campaign"), value: (l) => l.p.campaignId },
        { title: t("clicks"), value: (l) => l.p.clicks, cell: (l) => format.number(l.p.clicks), numeric: true },
        { title: t("bots"), value: (l) => l.p.botClicks, cell: (l) => format.number(l.p.botClicks), numeric: true },
        { title: t("donations"), value: (l) => l.p.donations, cell: (l) => format.number(l.p.donations), numeric: true },
        { title: t("conversion"), value: (l) => l.p.conversion, cell: (l) => format.percent(l.p.conversion), numeric: true },
        { title: t("raised"), value: (l) => l.m?.attributedMinor ?? 0, cell: (l) => (l.m ? el("span", { "data-minor": l.m.attributedMinor }, format.money(l.m.attributedMinor, l.m.currency)) : "—"), numeric: true, testid: "raised" },
        { title: t("perRuble"), value: (l) => l.m?.raisedPerRubleSpent, cell: (l) => (l.m?.raisedPerRubleSpent == null ? "—" : format.number(Math.round(l.m.raisedPerRubleSpent * 100) / 100)), numeric: true },
      ],
    }),
    el("p", { class: "note" }, t("note")));
}

const page: Page = { route: "/reports/summary", order: 1, nav: { ru: "Сводка", en: "Summary" }, messages, render };
export default page;
