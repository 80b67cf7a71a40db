import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { chartMoney, currenciesOf, money, type Period, periodBar } from "./shared";

// What the VK community's verification did: money per post credited while it was verified and while it was not, with
// the dates of each stretch, per currency.
interface Stretch { verified: boolean; from: string; until: string | null; currency: string; attributedToPostsMinor: number; postsCredited: number; perPostMinor: number; donations: number }

const messages = {
  ru: {
    title: "Эффект верификации", lead: "Деньги через посты, пока сообщество было верифицировано и пока не было: на один пост, получивший деньги.",
    state: "Сообщество", verified: "верифицировано", notVerified: "не верифицировано", from: "С", until: "По", now: "сейчас", registered: "с регистрации",
    currency: "Валюта", raised: "Через посты", posts: "Постов с деньгами", perPost: "На пост", donations: "Пожертвований", none: "Изменений верификации нет.",
    chart: "На пост, {currency}", noMoney: "денег через посты не было",
  },
  en: {
    title: "Verification effect", lead: "Money through posts while the community was verified and while it was not: per post that raised money.",
    state: "Community", verified: "verified", notVerified: "not verified", from: "From", until: "Until", now: "now", registered: "since registration",
    currency: "Currency", raised: "Through posts", posts: "Posts that raised money", perPost: "Per post", donations: "Donations", none: "No verification changes.",
    chart: "Per post, {currency}", noMoney: "no money through posts",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const body = el("div");
  const load = async (period: Period) => {
    try {
      const stretches = await api.get<Stretch[]>("reports/verification", period);
      const state = (s: Stretch) => (s.verified ? t("verified") : t("notVerified"));
      const dates = (s: Stretch, i: number) => `${i === 0 ? t("registered") : format.dateTime(s.from)} – ${s.until ? format.dateTime(s.until) : t("now")}`;
      const indexed = stretches.map((s) => ({ s, i: [...new Set(stretches.map((x) => x.from))].indexOf(s.from) }));
      const charts = currenciesOf(stretches).map((currency) => {
        const mine = indexed.filter((x) => x.s.currency === currency);
        const cm = chartMoney(ctx, currency);
        return el("section", { class: "card", "data-testid": `verification-${currency}` }, el("h2", {}, t("chart", { currency })), ctx.chart({
          type: "bar", labels: mine.map((x) => `${state(x.s)}: ${dates(x.s, x.i)}`), testid: `verification-chart-${currency}`, formatValue: cm.label,
          datasets: [{ label: t("perPost"), data: mine.map((x) => cm.value(x.s.perPostMinor)) }],
        }));
      });
      body.replaceChildren(...charts, el("section", { class: "card" }, ctx.table({
        testid: "verification", rows: indexed, rowTestId: (x) => `stretch-${x.i}-${x.s.currency || "none"}`, empty: t("none"),
        downloads: { path: "reports/verification", query: period, name: `${ctx.ngo}-verification`, formats: ["csv", "xlsx"] },
        columns: [
          { title: t("state"), value: (x) => state(x.s), testid: "state" },
          { title: t("from"), value: (x) => x.s.from, cell: (x) => (x.i === 0 ? t("registered") : format.dateTime(x.s.from)), testid: "from" },
          { title: t("until"), value: (x) => x.s.until ?? "", cell: (x) => (x.s.until ? format.dateTime(x.s.until) : t("now")), testid: "until" },
          { title: t("currency"), value: (x) => x.s.currency || "—" },
          { title: t("raised"), value: (x) => x.s.attributedToPostsMinor, cell: (x) => (x.s.currency ? money(ctx, x.s.attributedToPostsMinor, x.s.currency) : t("noMoney")), numeric: true, testid: "raised" },
          { title: t("posts"), value: (x) => x.s.postsCredited, cell: (x) => format.number(x.s.postsCredited), numeric: true, testid: "posts" },
          { title: t("perPost"), value: (x) => x.s.perPostMinor, cell: (x) => (x.s.currency ? money(ctx, x.s.perPostMinor, x.s.currency) : "—"), numeric: true, testid: "per-post" },
          { title: t("donations"), value: (x) => x.s.donations, cell: (x) => format.number(x.s.donations), numeric: true },
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

const page: Page = { route: "/reports/verification", order: 6, nav: { ru: "Верификация", en: "Verification" }, messages, render };
export default page;
