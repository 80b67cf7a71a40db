import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { chartMoney, currenciesOf, money, type Period, periodBar, ratio } from "./shared";

// Campaigns with their return: money credited against own budget and VK grant spent, side by side, per currency.
interface MoneyLine { currency: string; attributedMinor: number; donations: number; spendOwnMinor: number; spendGrantMinor: number; raisedPerRubleSpent: number | null; raisedPerGrantRuble: number | null }
interface Campaign { campaignId: string; name: string; startsAt: string; endsAt: string | null; money: MoneyLine[] }

const messages = {
  ru: {
    title: "Кампании и окупаемость", lead: "Сколько рублей принёс каждый рубль своего бюджета и каждый рубль гранта VK — рядом. Отношения — только для рублей.",
    campaign: "Кампания", dates: "Период", currency: "Валюта", raised: "Собрано", donations: "Пожертвований", own: "Свой бюджет", grant: "Грант VK",
    perOwn: "Руб. на руб. своего бюджета", perGrant: "Руб. на руб. гранта", perAll: "Руб. на руб. всех затрат", chart: "Собрано и потрачено, {currency}",
    total: "Всего, {currency}", since: "с {date}",
  },
  en: {
    title: "Campaigns and return", lead: "Roubles raised per rouble of own budget and per rouble of VK grant, side by side. Ratios are for roubles only.",
    campaign: "Campaign", dates: "Period", currency: "Currency", raised: "Raised", donations: "Donations", own: "Own budget", grant: "VK grant",
    perOwn: "Roubles per own rouble", perGrant: "Roubles per grant rouble", perAll: "Roubles per rouble spent", chart: "Raised and spent, {currency}",
    total: "In all, {currency}", since: "since {date}",
  },
};

interface Line { c: Campaign; m: MoneyLine }

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const body = el("div");
  const load = async (period: Period) => {
    try {
      const campaigns = await api.get<Campaign[]>("reports/campaigns", period);
      const lines: Line[] = campaigns.flatMap((c) => c.money.map((m) => ({ c, m })));
      const perOwn = (m: MoneyLine) => (m.currency === "RUB" && m.spendOwnMinor > 0 ? m.attributedMinor / m.spendOwnMinor : null);
      const charts = currenciesOf(lines.map((l) => l.m)).map((currency) => {
        const mine = lines.filter((l) => l.m.currency === currency);
        const cm = chartMoney(ctx, currency);
        const sum = (f: (m: MoneyLine) => number) => mine.reduce((s, l) => s + f(l.m), 0);
        return el("section", { class: "card", "data-testid": `campaigns-${currency}` }, el("h2", {}, t("chart", { currency })),
          el("dl", {},
            el("dt", {}, t("raised")), el("dd", {}, money(ctx, sum((m) => m.attributedMinor), currency, `total-raised-${currency}`)),
            el("dt", {}, t("own")), el("dd", {}, money(ctx, sum((m) => m.spendOwnMinor), currency, `total-own-${currency}`)),
            el("dt", {}, t("grant")), el("dd", {}, money(ctx, sum((m) => m.spendGrantMinor), currency, `total-grant-${currency}`))),
          ctx.chart({
            type: "bar", labels: mine.map((l) => l.c.name), testid: `campaigns-chart-${currency}`, formatValue: cm.label,
            datasets: [{ label: t("raised"), data: mine.map((l) => cm.value(l.m.attributedMinor)) }, { label: t("own"), data: mine.map((l) => cm.value(l.m.spendOwnMinor)) },
              { label: t("grant"), data: mine.map((l) => cm.value(l.m.spendGrantMinor)) }],
          }));
      });
      body.replaceChildren(...charts, el("section", { class: "card" }, ctx.table({
        testid: "campaigns", rowTestId: (l) => `campaign-${l.c.campaignId}-${l.m.currency}`, rows: lines,
        downloads: { path: "reports/campaigns", query: period, name: `${ctx.ngo}-campaigns`, formats: ["csv", "xlsx"] },
        columns: [
          { title: t("campaign"), value: (l) => l.c.name, testid: "name" },
          { title: t("dates"), value: (l) => l.c.startsAt, cell: (l) => (l.c.endsAt ? `${format.date(l.c.startsAt)} – ${format.date(l.c.endsAt)}` : t("since", { date: format.date(l.c.startsAt) })) },
          { title: t("currency"), value: (l) => l.m.currency },
          { title: t("raised"), value: (l) => l.m.attributedMinor, cell: (l) => money(ctx, l.m.attributedMinor, l.m.currency), numeric: true, testid: "raised" },
          { title: t("donations"), value: (l) => l.m.donations, cell: (l) => format.number(l.m.donations), numeric: true, testid: "donations" },
          { title: t("own"), value: (l) => l.m.spendOwnMinor, cell: (l) => money(ctx, l.m.spendOwnMinor, l.m.currency), numeric: true, testid: "own" },
          { title: t("grant"), value: (l) => l.m.spendGrantMinor, cell: (l) => money(ctx, l.m.spendGrantMinor, l.m.currency), numeric: true, testid: "grant" },
          { title: t("perOwn"), value: (l) => perOwn(l.m), cell: (l) => ratio(ctx, perOwn(l.m)), numeric: true, testid: "per-own" },
          { title: t("perGrant"), value: (l) => l.m.raisedPerGrantRuble, cell: (l) => ratio(ctx, l.m.raisedPerGrantRuble), numeric: true, testid: "per-grant" },
          { title: t("perAll"), value: (l) => l.m.raisedPerRubleSpent, cell: (l) => ratio(ctx, l.m.raisedPerRubleSpent), numeric: true, testid: "per-all" },
        ],
      })));
    } catch (error) {
      body.replaceChildren(ctx.error(error));
    }
  };
  const { bar, period } = periodBar(ctx, load);
  ctx.root.append(el("h1", {}, t("title")), el("p", { class: "muted" }, t("lead")), bar, body);
  await load(period());
}

const page: Page = { route: "/reports/campaigns", order: 3, nav: { ru: "Кампании", en: "Campaigns" }, messages, render };
export default page;
