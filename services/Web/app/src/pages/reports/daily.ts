import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { chartMoney, currenciesOf, money, type Period, periodBar } from "./shared";

// Money credited per day, by post or by campaign: a stacked chart and the total per currency, and the table behind them.
interface Daily { byKey: { day: string; key: string; currency: string; attributedMinor: number }[] }
interface Name { campaignId: string; name: string }

const messages = {
  ru: {
    title: "Деньги по дням", byPost: "по постам", byCampaign: "по кампаниям", by: "Разбивка", none: "Нет атрибутированных денег за период.",
    day: "День", post: "Пост", campaign: "Кампания", currency: "Валюта", attributed: "Атрибутировано", total: "Всего за период, {currency}",
  },
  en: {
    title: "Money by day", byPost: "by post", byCampaign: "by campaign", by: "Split", none: "No attributed money in this period.",
    day: "Day", post: "Post", campaign: "Campaign", currency: "Currency", attributed: "Attributed", total: "In the period, {currency}",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const by = el("select", { "data-testid": "by" }, el("option", { value: "post" }, t("byPost")), el("option", { value: "campaign" }, t("byCampaign")));
  const body = el("div");
  const load = async (period: Period) => {
    try {
      const [daily, campaigns] = await Promise.all([api.get<Daily>("reports/daily", { ...period, by: by.value }), api.get<Name[]>("reports/campaigns")]);
      const label = (key: string) => (by.value === "campaign" ? campaigns.find((c) => c.campaignId === key)?.name ?? key : key);
      const rows = daily.byKey;
      const sections = currenciesOf(rows).map((currency) => {
        const mine = rows.filter((r) => r.currency === currency);
        const days = [...new Set(mine.map((r) => r.day))].sort();
        const keys = [...new Set(mine.map((r) => r.key))];
        const cm = chartMoney(ctx, currency);
        const byDayAndKey = new Map(mine.map((r) => [`${r.day}|${r.key}`, r.attributedMinor]));
        return el("section", { class: "card", "data-testid": `daily-${currency}` },
          el("h2", {}, t("total", { currency }), " ", money(ctx, mine.reduce((s, r) => s + r.attributedMinor, 0), currency, `total-${currency}`)),
          ctx.chart({
            type: "bar", stacked: true, labels: days.map((d) => format.date(d)), testid: `daily-chart-${currency}`, formatValue: cm.label,
            datasets: keys.map((key) => ({ label: label(key), data: days.map((day) => cm.value(byDayAndKey.get(`${day}|${key}`) ?? 0)) })),
          }));
      });
      body.replaceChildren(...(sections.length ? sections : [el("p", { class: "card", "data-testid": "empty" }, t("none"))]), el("section", { class: "card" }, ctx.table({
        testid: "daily", rows, rowTestId: (r) => `day-${r.day}-${r.key}-${r.currency}`,
        downloads: { path: "reports/daily", query: { ...period, by: by.value }, name: `${ctx.ngo}-daily-by-${by.value}`, formats: ["csv", "xlsx"] },
        columns: [
          { title: t("day"), value: (r) => r.day, cell: (r) => format.date(r.day) },
          { title: t(by.value), value: (r) => label(r.key), testid: "key" },
          { title: t("currency"), value: (r) => r.currency },
          { title: t("attributed"), value: (r) => r.attributedMinor, cell: (r) => money(ctx, r.attributedMinor, r.currency), numeric: true, testid: "attributed" },
        ],
      })));
    } catch (error) {
      body.replaceChildren(ctx.error(error));
    }
  };
  const { bar, period } = periodBar(ctx, load, el("label", { class: "inline" }, t("by"), by));
  by.addEventListener("change", () => void load(period()));
  ctx.root.append(el("h1", {}, t("title")), bar, body);
  await load(period());
}

const page: Page = { route: "/reports/daily", order: 5, nav: { ru: "По дням", en: "By day" }, messages, render };
export default page;
