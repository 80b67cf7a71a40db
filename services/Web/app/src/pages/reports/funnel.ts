import { type Child, el } from "../../core/dom";
import type { Ctx, Page } from "../page";

// The post funnel: views → reach → link clicks by people (bots apart) → donations → money, with likes and reposts,
// per post and sortable — how much of the attention a post got turned into money.
interface Line {
  postId: string; publishedAt: string; text: string | null; campaignId: string | null; views: number | null; reach: number | null; likes: number | null; reposts: number | null;
  clicks: number; people: number; botClicks: number; donations: number; donors: number; money: { currency: string; attributedMinor: number; donations: number }[];
  clickThrough: number | null; conversion: number | null;
}

const messages = {
  ru: {
    title: "Воронка постов", lead: "Просмотры → охват → переходы по ссылке (люди; боты отдельно) → пожертвования → деньги. Лайки и репосты — рядом: видно, где внимание не превращается в деньги.",
    post: "Пост", views: "Просмотры", reach: "Охват", people: "Перешли (люди)", bots: "Боты", donations: "Пожертвования", donors: "Доноры", money: "Деньги",
    likes: "Лайки", reposts: "Репосты", clickThrough: "Переходы ÷ охват", conversion: "Доноры ÷ перешедшие", totals: "Всего по постам",
    chartViews: "Просмотры", chartReach: "Охват", chartPeople: "Перешли", chartDonors: "Доноры",
  },
  en: {
    title: "Post funnel", lead: "Views → reach → link clicks (people; bots apart) → donations → money. Likes and reposts beside them: where attention does not turn into money.",
    post: "Post", views: "Views", reach: "Reach", people: "Clicked (people)", bots: "Bots", donations: "Donations", donors: "Donors", money: "Money",
    likes: "Likes", reposts: "Reposts", clickThrough: "Clicks ÷ reach", conversion: "Donors ÷ clicked", totals: "All posts",
    chartViews: "Views", chartReach: "Reach", chartPeople: "Clicked", chartDonors: "Donors",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const from = el("input", { type: "date", "data-testid": "from" });
  const to = el("input", { type: "date", "data-testid": "to" });
  const body = el("div");
  const load = async () => {
    const period = { from: from.value, to: to.value };
    try {
      const { posts } = await api.get<{ posts: Line[] }>("reports/funnel", period);
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
          downloads: { path: "reports/funnel", query: period, name: `${ctx.ngo}-funnel`, formats: ["csv"] },
          columns: [
            { title: t("post"), value: (l) => l.publishedAt, cell: (l) => el("div", { class: "text" }, el("div", { class: "muted" }, format.date(l.publishedAt)), el("div", { "data-testid": "funnel-text" }, (l.text ?? l.postId).slice(0, 140))) },
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
          ],
        })));
    } catch (error) {
      body.replaceChildren(ctx.error(error));
    }
  };
  ctx.root.append(el("h1", {}, t("title")), el("p", { class: "muted" }, t("lead")),
    el("section", { class: "card row" }, el("label", { class: "inline" }, t("common.from"), from), el("label", { class: "inline" }, t("common.to"), to),
      el("button", { type: "button", "data-testid": "apply", onclick: () => void load() }, t("common.apply"))),
    body);
  await load();
}

const page: Page = { route: "/reports/funnel", order: 2, nav: { ru: "Воронка постов", en: "Post funnel" }, messages, render };
export default page;
