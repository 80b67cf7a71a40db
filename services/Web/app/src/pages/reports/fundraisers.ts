import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { chartMoney, money, ngoDay, term, withTerms } from "./shared";

// Every fundraiser: its goal meter, deadline, status, and day by day how the money came (the fundraiser's currency,
// donations made by the deadline, net of refunds — as its total counts them).
interface Fundraiser { fundraiserId: string; title: string; campaignId: string | null; currency: string; goalMinor: number; raisedMinor: number; percent: number; donations: number; donors: number; deadline: string; status: string }
interface Daily { byKey: { day: string; key: string; currency: string; attributedMinor: number }[] }

const messages = {
  ru: {
    title: "Сборы", none: "Сборов пока нет.", raised: "Собрано", goal: "Цель", deadline: "До", donors: "Доноров", donations: "Пожертвований", status: "Состояние",
    left: "Осталось собрать", daily: "За день", total: "Всего к этому дню", fundraiser: "Сбор", percent: "%", list: "Все сборы", noDays: "Денег по этому сбору пока нет.",
  },
  en: {
    title: "Fundraisers", none: "No fundraisers yet.", raised: "Raised", goal: "Goal", deadline: "Until", donors: "Donors", donations: "Donations", status: "Status",
    left: "Still to raise", daily: "That day", total: "In all by that day", fundraiser: "Fundraiser", percent: "%", list: "Every fundraiser", noDays: "No money for this fundraiser yet.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const body = el("div", {}, el("p", { class: "muted" }, t("common.loading")));
  ctx.root.append(el("h1", {}, t("title")), body);
  try {
    const [fundraisers, daily] = await Promise.all([api.get<Fundraiser[]>("reports/fundraisers"), api.get<Daily>("reports/daily", { by: "fundraiser" })]);
    if (fundraisers.length === 0) { body.replaceChildren(el("p", { class: "card", "data-testid": "empty" }, t("none"))); return; }
    body.replaceChildren(...fundraisers.map((f) => card(ctx, f, daily)), el("section", { class: "card" }, el("h2", {}, t("list")), ctx.table({
      testid: "fundraisers", rowTestId: (f) => `row-${f.fundraiserId}`, rows: fundraisers,
      downloads: { path: "reports/fundraisers", query: {}, name: `${ctx.ngo}-fundraisers`, formats: ["csv", "xlsx"] },
      columns: [
        { title: t("fundraiser"), value: (f) => f.title },
        { title: t("goal"), value: (f) => f.goalMinor, cell: (f) => format.money(f.goalMinor, f.currency), numeric: true },
        { title: t("raised"), value: (f) => f.raisedMinor, cell: (f) => money(ctx, f.raisedMinor, f.currency), numeric: true, testid: "raised" },
        { title: t("percent"), value: (f) => f.percent, cell: (f) => format.number(f.percent), numeric: true },
        { title: t("donors"), value: (f) => f.donors, cell: (f) => format.number(f.donors), numeric: true },
        { title: t("deadline"), value: (f) => f.deadline, cell: (f) => format.dateTime(f.deadline) },
        { title: t("status"), value: (f) => term(ctx, f.status), testid: "status" },
      ],
    })));
  } catch (error) {
    body.replaceChildren(ctx.error(error));
  }
}

function card(ctx: Ctx, f: Fundraiser, daily: Daily): HTMLElement {
  const { t, format } = ctx;
  // Days up to the deadline's day, in the fundraiser's currency: what its total counts.
  const deadlineDay = ngoDay(ctx, Date.parse(f.deadline));
  const days = daily.byKey.filter((d) => d.key === f.fundraiserId && d.currency === f.currency && d.day <= deadlineDay).sort((a, b) => a.day.localeCompare(b.day));
  let running = 0;
  const totals = days.map((d) => (running += d.attributedMinor));
  const cm = chartMoney(ctx, f.currency);
  return el("section", { class: "card", "data-testid": `fundraiser-${f.fundraiserId}`, "data-status": f.status },
    el("h2", {}, f.title, " ", el("span", { class: `badge ${f.status.replace(" ", "-")}`, "data-testid": "status" }, term(ctx, f.status))),
    el("div", { class: "money" }, money(ctx, f.raisedMinor, f.currency, "raised"), el("small", { class: "muted" }, ` / ${format.money(f.goalMinor, f.currency)}`)),
    el("div", { class: "bar goal", role: "meter", "aria-valuemin": 0, "aria-valuemax": f.goalMinor, "aria-valuenow": f.raisedMinor, "data-testid": "meter" },
      el("div", { style: `width:${Math.min(100, f.percent)}%` })),
    el("dl", {},
      el("dt", {}, t("goal")), el("dd", {}, `${format.number(f.percent)}%`),
      el("dt", {}, t("left")), el("dd", {}, format.money(Math.max(0, f.goalMinor - f.raisedMinor), f.currency)),
      el("dt", {}, t("deadline")), el("dd", { "data-testid": "deadline" }, format.dateTime(f.deadline)),
      el("dt", {}, t("donors")), el("dd", { "data-testid": "donors" }, format.number(f.donors)),
      el("dt", {}, t("donations")), el("dd", {}, format.number(f.donations))),
    days.length === 0 ? el("p", { class: "muted" }, t("noDays")) : ctx.chart({
      // The running total against the goal, day by day; the day's own money beside it.
      type: "line", labels: days.map((d) => format.date(d.day)), testid: `progress-${f.fundraiserId}`, formatValue: cm.label,
      datasets: [{ label: t("total"), data: totals.map(cm.value) }, { label: t("goal"), data: days.map(() => cm.value(f.goalMinor)) },
        { label: t("daily"), data: days.map((d) => cm.value(d.attributedMinor)) }],
    }),
    el("p", { class: "muted", "data-testid": "progress", "data-days": days.length, "data-total-minor": running }));
}

const page: Page = { route: "/reports/fundraisers", order: 4, nav: { ru: "Сборы", en: "Fundraisers" }, messages: withTerms(messages), render };
export default page;
