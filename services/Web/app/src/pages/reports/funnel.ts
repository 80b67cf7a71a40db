import { type Child, el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { type Period, periodBar, ratio } from "./shared";

// The posts report with its funnel: views → reach → link clicks by people (bots apart) → donations → money, with likes
// and reposts, the campaign, and roubles raised per rouble spent on the post — per post and sortable.
interface Line {
  postId: string; publishedAt: string; text: string | null; campaignId: string | null; views: number | null; reach: number | null; likes: number | null; reposts: number | null;
  clicks: number; people: number; botClicks: number; donations: number; donors: number; money: { currency: string; attributedMinor: number; donations: number }[];
  clickThrough: number | null; conversion: number | null;
}
interface PostMoney { postId: string; money: { currency: string; spendOwnMinor: number; spendGrantMinor: number; raisedPerRubleSpent: number | null }[] }
interface Campaign { campaignId: string; name: string }

const messages = {
  ru: {
    title: "Посты: воронка и деньги", campaign: "Кампания", spent: "Затраты", perRuble: "Руб. на руб. затрат", lead: "Просмотры → охват → переходы по ссылке (люди; боты отдельно) → пожертвования → деньги. Лайки и репосты — рядом: видно, где внимание не превращается в деньги.",
    post: "Пост", views: "Просмотры", reach: "Охват", people: "Перешли (люди)", bots: "Боты", donations: "Пожертвования", donors: "Доноры", money: "Деньги",
    likes: "Лайки", reposts: "Репосты", clickThrough: "Переходы ÷ охват", conversion: "Доноры ÷ перешедшие", totals: "Всего по постам",
    chartViews: "Просмотры", chartReach: "Охват", chartPeople: "Перешли", chartDonors: "Доноры",
  },
  en: {
    title: "Posts: funnel and money", campaign: "Campaign", spent: "Spent", perRuble: "Roubles per rouble spent", lead: "Views → reach → link clicks (people; bots apart) → donations → money. Likes and reposts beside them: where attention does not turn into money.",
    post: "Post", views: "Views", reach: "Reach", people: "Clicked (people)", bots: "Bots", donations: "Donations", donors: "Donors", money: "Money",
    likes: "Likes", reposts: "Reposts", clickThrough: "Clicks ÷ reach", conversion: "Donors ÷ clicked", totals: "All posts",
    chartViews: "Views", chartReach: "Reach", chartPeople: "Clicked", chartDonors: "Donors",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const body = el("div");
  const load = async (period: Period) => {
    try {
      const [{ posts }, postMoney, campaigns] = await Promise.all([api.get<{ posts: Line[] }>("reports/funnel", period), api.get<PostMoney[]>("reports/posts", period),
        api.get<Campaign[]>("reports/campaigns", period)]);
      // Spend is in roubles only when the post's money is: the ratio is on the rouble line.
      const rub = (l: Line) => postMoney.find((m) => m.postId === l.postId)?.money.find((m) => m.currency === "RUB");
      const campaign = (l: Line) => campaigns.find((c) => c.campaignId === l.campaignId)?.name ?? l.campaignId ?? "—";
      const sum = (f: (l: Line) => number | null) => posts.reduce((s, l) => s + (f(l) ?? 0), 0);
      const money = (l: Line): Child => l.money.length === 0 ? "—"
        : el("div", {}, ...l.money.map((m) => el("div", { "data-testid": `money-${m.currency}`, "data-minor": m.attributedMinor }, format.money(m.attributedMinor, m.currency))));
      body.replaceChildren(
        el("section", { class: "card" }, el("h2", {}, t("totals")), ctx.chart({
          type: "bar", testid: "funnel-chart", labels: [t("chartViews"), t("chartReach"), t("chartPeople"), t("chartDonors")],
          datasets: [{ label: t("totals"), data: [sum((l) => l.views), sum((l) => l.reach), sum((l) => l.people), sum((l) => l.donors)] }],
          formatValue: (v) => format.number(v),
        })),
        el("section", { class: "card" }, ctx.table({
          testid: "funnel", rowTestId: (l) => `funnel-${l.postId}`, rows: posts,
          downloads: { path: "reports/funnel", query: period, name: `${ctx.ngo}-funnel`, formats: ["csv", "xlsx"] },
          columns: [
            { title: t("post"), value: (l) => l.publishedAt, cell: (l) => el("div", { class: "text" }, el("div", { class: "muted" }, format.date(l.publishedAt)), el("div", { "data-testid": "funnel-text" }, (l.text ?? l.postId).slice(0, 140))) },
            { title: t("campaign"), value: campaign, testid: "campaign" },
            { title: t("views"), value: (l) => l.views, cell: (l) => format.number(l.views), numeric: true, testid: "views" },
            { title: t("reach"), value: (l) => l.reach, cell: (l) => format.number(l.reach), numeric: true, testid: "reach" },
            { title: t("people"), value: (l) => l.people, cell: (l) => format.number(l.people), numeric: true, testid: "people" },
            { title: t("bots"), value: (l) => l.botClicks, cell: (l) => format.number(l.botClicks), numeric: true, testid: "bots" },
            { title: t("donations"), value: (l) => l.donations, cell: (l) => format.number(l.donations), numeric: true, testid: "donations" },
            { title: t("donors"), value: (l) => l.donors, cell: (l) => format.number(l.donors), numeric: true, testid: "donors" },
            // Sorted by the first currency's money; currencies are never added together.
            { title: t("money"), value: (l) => l.money[0]?.attributedMinor ?? 0, cell: money, numeric: true, testid: "money" },
            { title: t("likes"), value: (l) => l.likes, cell: (l) => format.number(l.likes), numeric: true, testid: "likes" },
            { title: t("reposts"), value: (l) => l.reposts, cell: (l) => format.number(l.reposts), numeric: true, testid: "reposts" },
            { title: t("clickThrough"), value: (l) => l.clickThrough, cell: (l) => format.percent(l.clickThrough), numeric: true, testid: "click-through" },
            { title: t("conversion"), value: (l) => l.conversion, cell: (l) => format.percent(l.conversion), numeric: true, testid: "conversion" },
            { title: t("spent"), value: (l) => (rub(l) ? rub(l)!.spendOwnMinor + rub(l)!.spendGrantMinor : null),
              cell: (l) => (rub(l) ? format.money(rub(l)!.spendOwnMinor + rub(l)!.spendGrantMinor, "RUB") : "—"), numeric: true, testid: "spent" },
            { title: t("perRuble"), value: (l) => rub(l)?.raisedPerRubleSpent, cell: (l) => ratio(ctx, rub(l)?.raisedPerRubleSpent), numeric: true, testid: "per-ruble" },
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

const page: Page = { route: "/reports/funnel", order: 2, nav: { ru: "Воронка постов", en: "Post funnel" }, messages, render };
export default page;
