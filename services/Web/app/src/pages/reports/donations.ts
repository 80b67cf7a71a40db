import { campaignsOf } from "../../core/campaigns";
import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { money, term, withTerms } from "./shared";

// The donation explorer: find donations by the provider's transaction id, donor, post, campaign, status, reason and
// period; each result opens the donation's page (its explanation and audit trail).
export interface DonationLine {
  id: string; provider: string; providerTxId: string; amountMinor: number; currency: string; refundedMinor: number; occurredAt: string; subscriptionId: string | null;
  attribution: { status: string; rule: string; reason: string | null; model: string; lookbackDays: number; revision: number; cause: string; credits: { postId: string | null; campaignId: string | null; amountMinor: number }[] };
  donor: { id: string; erased: boolean } | null;
}

const reasons = ["no click id", "unknown click id", "outside window", "bot click", "click after payment"];
const fields = ["providerTxId", "donor", "post"] as const;

const messages = {
  ru: {
    title: "Поиск пожертвований", providerTxId: "Номер транзакции у провайдера", donor: "Донор (псевдоним)", post: "Пост", campaign: "Кампания", status: "Статус", reason: "Причина",
    any: "любой", anyReason: "любая", anyCampaign: "любая", search: "Найти", found: "Найдено: {count}", more: "Показать ещё", when: "Когда", amount: "Сумма", refunded: "Возвращено",
    attributed: "Атрибутировано", posts: "Посты", provider: "Провайдер", open: "Открыть", limit: "Показаны первые {count}, новые сначала.",
  },
  en: {
    title: "Find donations", providerTxId: "Provider's transaction id", donor: "Donor (pseudonym)", post: "Post", campaign: "Campaign", status: "Status", reason: "Reason",
    any: "any", anyReason: "any", anyCampaign: "any", search: "Search", found: "Found: {count}", more: "Show more", when: "When", amount: "Amount", refunded: "Refunded",
    attributed: "Attributed", posts: "Posts", provider: "Provider", open: "Open", limit: "The first {count} are shown, newest first.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const inputs = Object.fromEntries(fields.map((f) => [f, el("input", { name: f, "data-testid": `search-${f}` })])) as Record<(typeof fields)[number], HTMLInputElement>;
  const status = el("select", { name: "status", "data-testid": "search-status" }, el("option", { value: "" }, t("any")),
    ...["attributed", "unattributed"].map((s) => el("option", { value: s }, term(ctx, s))));
  const reason = el("select", { name: "reason", "data-testid": "search-reason" }, el("option", { value: "" }, t("anyReason")), ...reasons.map((r) => el("option", { value: r }, term(ctx, r))));
  // The search works without the campaign list: when it cannot be read, only "any" is offered.
  const campaign = el("select", { name: "campaign", "data-testid": "search-campaign" }, el("option", { value: "" }, t("anyCampaign")),
    ...(await campaignsOf(api, ctx.ngo).catch(() => [])).map((c) => el("option", { value: c.campaignId }, c.name)));
  const from = el("input", { type: "date", "data-testid": "from" });
  const to = el("input", { type: "date", "data-testid": "to" });
  const results = el("div");
  const query = () => ({ ...Object.fromEntries(fields.map((f) => [f, inputs[f].value.trim()])), campaign: campaign.value, status: status.value, reason: reason.value, from: from.value, to: to.value });
  let shown: DonationLine[] = [];
  const search = async (before?: string) => {
    try {
      const page = await api.get<DonationLine[]>("donations", { ...query(), before });
      shown = before ? [...shown, ...page] : page;
      draw(page.length === 100);
    } catch (error) {
      results.replaceChildren(ctx.error(error));
    }
  };
  const draw = (more: boolean) => {
    results.replaceChildren(el("section", { class: "card" },
      el("p", { "data-testid": "found", "data-count": shown.length }, t("found", { count: format.number(shown.length) })),
      ctx.table({
        testid: "donations", rows: shown, rowTestId: (d) => `donation-${d.providerTxId}`,
        downloads: { path: "donations", query: query(), name: `${ctx.ngo}-donations`, formats: ["csv", "xlsx"] },
        columns: [
          { title: t("when"), value: (d) => d.occurredAt, cell: (d) => el("a", { href: `#/reports/donations/${encodeURIComponent(d.id)}`, "data-testid": "open" }, format.dateTime(d.occurredAt)) },
          { title: t("providerTxId"), value: (d) => d.providerTxId, cell: (d) => el("code", {}, d.providerTxId), testid: "tx" },
          { title: t("provider"), value: (d) => d.provider },
          { title: t("amount"), value: (d) => d.amountMinor, cell: (d) => money(ctx, d.amountMinor, d.currency), numeric: true, testid: "amount" },
          { title: t("refunded"), value: (d) => d.refundedMinor, cell: (d) => money(ctx, d.refundedMinor, d.currency), numeric: true, testid: "refunded" },
          { title: t("status"), value: (d) => term(ctx, d.attribution.status), cell: (d) => `${term(ctx, d.attribution.status)}${d.attribution.reason ? ` — ${term(ctx, d.attribution.reason)}` : ""}`, testid: "status" },
          { title: t("posts"), value: (d) => [...new Set(d.attribution.credits.map((c) => c.postId).filter((p) => p))].join(" ") },
          { title: t("donor"), value: (d) => d.donor?.id ?? "" },
        ],
      }),
      more ? el("button", { type: "button", class: "secondary", "data-testid": "more", onclick: () => void search(shown[shown.length - 1]!.occurredAt) }, t("more")) : "",
      el("p", { class: "muted" }, t("limit", { count: 100 }))));
  };
  const form = el("form", { class: "card", "data-testid": "search", onsubmit: (event: Event) => { event.preventDefault(); void search(); } },
    el("div", { class: "row" }, ...fields.map((f) => el("label", {}, t(f), inputs[f])), el("label", {}, t("campaign"), campaign), el("label", {}, t("status"), status), el("label", {}, t("reason"), reason),
      el("label", {}, t("common.from"), from), el("label", {}, t("common.to"), to)),
    el("button", { type: "submit", "data-testid": "search-submit" }, t("search")));
  ctx.root.append(el("h1", {}, t("title")), form, results);
  await search();
}

const page: Page = { route: "/reports/donations", order: 9, nav: { ru: "Пожертвования", en: "Donations" }, messages: withTerms(messages), render };
export default page;
