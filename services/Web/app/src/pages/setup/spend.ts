import { append, el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { field, isoFromLocal, submit } from "./forms";

// Spend entered by hand: what promoting a campaign (or one of its posts) cost, from the NGO's own money or a VK grant.
interface Spend { id: string; campaignId: string; postId: string | null; amountMinor: number; currency: string; source: string; at: string }
interface Campaign { id: string; name: string }

const currencies = ["RUB", "USD", "EUR", "KZT", "BYN"];

const messages = {
  ru: {
    title: "Расходы на продвижение", intro: "Сколько стоило продвижение кампании или поста. Расходы VK Рекламы загружаются сами; здесь — всё остальное.",
    create: "Новый расход", campaign: "Кампания", post: "Пост (необязательно: wall-123_456 или адрес поста)", amount: "Сумма", currency: "Валюта",
    source: "Источник", "source.own": "свои деньги", "source.vk_grant": "грант VK", at: "Когда", add: "Добавить", added: "Расход добавлен.",
    recent: "Последние расходы", none: "Расходов пока нет.", noCampaigns: "Сначала создайте кампанию.",
    "problem.amountMinor": "Сумма — положительное число, например 1500 или 1500,50.", "problem.campaignId": "Выберите кампанию.", "problem.source": "Выберите источник.",
    "problem.post": "Такой пост не зарегистрирован в этой кампании.",
  },
  en: {
    title: "Promotion spend", intro: "What promoting a campaign or a post cost. VK Ads spend is imported by itself; everything else goes here.",
    create: "New spend", campaign: "Campaign", post: "Post (optional: wall-123_456 or the post's address)", amount: "Amount", currency: "Currency",
    source: "Source", "source.own": "own money", "source.vk_grant": "VK grant", at: "When", add: "Add", added: "Spend added.",
    recent: "Recent spend", none: "No spend yet.", noCampaigns: "Create a campaign first.",
    "problem.amountMinor": "The amount is a positive number, such as 1500 or 1500.50.", "problem.campaignId": "Choose a campaign.", "problem.source": "Choose the source.",
    "problem.post": "No such post is registered.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const [{ spend }, { campaigns }] = await Promise.all([api.get<{ spend: Spend[] }>("spend"), api.get<{ campaigns: Campaign[] }>("campaigns")]);
  const result = el("div", { "data-testid": "result" });
  const campaign = el("select", { "data-testid": "campaign" }, ...campaigns.map((c) => el("option", { value: c.id }, c.name)));
  const post = el("input", { "data-testid": "post" });
  const amount = el("input", { inputmode: "decimal", "data-testid": "amount" });
  const currency = el("select", { "data-testid": "currency" }, ...currencies.map((c) => el("option", { value: c }, c)));
  const source = el("select", { "data-testid": "source" }, el("option", { value: "own" }, t("source.own")), el("option", { value: "vk_grant" }, t("source.vk_grant")));
  const at = el("input", { type: "date", "data-testid": "at" });
  at.value = new Date().toISOString().slice(0, 10);
  const form = el("form", { class: "card", "data-testid": "spend-form", onsubmit: async (event: Event) => {
    event.preventDefault();
    const body = {
      campaignId: campaign.value || null, postId: post.value.trim() || null, amountMinor: format.parseMajor(amount.value, currency.value) ?? -1,
      currency: currency.value, source: source.value, at: isoFromLocal(at.value ? `${at.value}T12:00` : ""),
    };
    if (await submit(ctx, result, () => api.post("spend", body), { amountMinor: t("problem.amountMinor"), campaignId: t("problem.campaignId"), source: t("problem.source") })) {
      sessionStorage.setItem("donations.flash", t("added"));
      ctx.refresh();
    }
  } }, el("h2", {}, t("create")), campaigns.length === 0 ? el("p", { class: "muted" }, t("noCampaigns")) : null,
    field(t("campaign"), campaign), field(t("post"), post), el("div", { class: "row" }, field(t("amount"), amount), field(t("currency"), currency)),
    field(t("source"), source), field(t("at"), at), el("button", { type: "submit", "data-testid": "submit" }, t("add")), result);
  const flash = sessionStorage.getItem("donations.flash");
  sessionStorage.removeItem("donations.flash");
  const campaignName = (id: string) => campaigns.find((c) => c.id === id)?.name ?? id;
  append(ctx.root, el("h1", {}, t("title")), el("p", { class: "muted" }, t("intro")), flash ? ctx.notice(flash) : null, form,
    el("section", { class: "card" }, el("h2", {}, t("recent")), ctx.table({
      testid: "spend", rows: spend, rowTestId: (s) => `spend-${s.id}`, empty: t("none"),
      columns: [
        { title: t("at"), value: (s) => s.at, cell: (s) => format.date(s.at) },
        { title: t("campaign"), value: (s) => campaignName(s.campaignId) },
        { title: t("post"), value: (s) => s.postId ?? "" },
        { title: t("source"), value: (s) => s.source, cell: (s) => t(`source.${s.source}`), testid: "col-source" },
        { title: t("amount"), value: (s) => s.amountMinor, cell: (s) => format.money(s.amountMinor, s.currency), numeric: true, testid: "col-amount" },
      ],
    })));
}

const page: Page = { route: "/setup/spend", nav: { ru: "Расходы", en: "Spend" }, order: 40, manager: true, messages, render };
export default page;
