import { ApiError } from "../../core/api";
import { el, fill } from "../../core/dom";
import type { Ctx, Page } from "../page";

// VK Ads: the ads account (read with the connection's user token) and which of our campaigns each VK Ads campaign
// spends for, paid by the NGO itself or by a VK grant. Saving imports the last 30 days; every sync imports them again,
// replacing each day, never adding it twice.
interface Mapping { adsCampaignId: number; campaignId: string; source: "own" | "vk_grant" }
interface AdsConnection { accountId: number; campaigns: Mapping[]; connectedAt: string }
interface CampaignLine { campaignId: string; name: string }

const messages = {
  ru: {
    title: "VK Реклама", lead: "Расходы рекламных кампаний VK Рекламы загружаются по дням как расходы наших кампаний. Остальные расходы вносятся вручную.",
    account: "Номер рекламного кабинета", adsCampaign: "Кампания VK Рекламы (номер)", campaign: "Наша кампания", source: "Кто платит",
    own: "свои деньги", vk_grant: "грант VK", addRow: "Добавить кампанию", remove: "Убрать", save: "Сохранить и загрузить",
    saved: "Сохранено, расходы загружены.", incomplete: "Сохранено, но загрузка не закончилась; она продолжится при следующей синхронизации.",
    connectedAt: "Подключено: {at}", chooseCampaign: "— кампания —", needsUserToken: "Сначала подключите сообщество с токеном пользователя (право «реклама»).",
    "err.accountId": "Токен пользователя не видит этот рекламный кабинет: проверьте номер или дайте пользователю доступ к кабинету.",
    "err.userToken": "Для VK Рекламы нужен токен пользователя с правом «реклама»: подключите сообщество заново с ним.",
    "err.userToken@5": "ВКонтакте не принял токен пользователя: он неверный или истёк.",
    "err.userToken@15": "У токена пользователя нет права «реклама» или доступа к кабинету.",
    "err.adsCampaignId": "В этом кабинете нет такой рекламной кампании: проверьте номер.",
    "err.campaignId": "Выберите нашу кампанию для каждой строки.", "err.503": "ВКонтакте сейчас недоступен. Ничего не изменено — попробуйте позже.",
  },
  en: {
    title: "VK Ads", lead: "VK Ads campaigns' spend is imported per day as spend of our campaigns. Other spend is entered by hand.",
    account: "Ads account number", adsCampaign: "VK Ads campaign (number)", campaign: "Our campaign", source: "Paid by",
    own: "own money", vk_grant: "VK grant", addRow: "Add a campaign", remove: "Remove", save: "Save and import",
    saved: "Saved; spend imported.", incomplete: "Saved, but the import did not finish; it goes on with the next sync.",
    connectedAt: "Connected: {at}", chooseCampaign: "— campaign —", needsUserToken: "Connect the community with a user token (the ads right) first.",
    "err.accountId": "The user token cannot see this ads account: check the number, or give the user access to the account.",
    "err.userToken": "VK Ads needs a user token with the ads right: connect the community again with one.",
    "err.userToken@5": "VK did not accept the user token: it is wrong or expired.",
    "err.userToken@15": "The user token lacks the ads right or access to the account.",
    "err.adsCampaignId": "This account has no such ad campaign: check the number.",
    "err.campaignId": "Choose our campaign for every line.", "err.503": "VK is unavailable right now. Nothing was changed — try again later.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const [current, campaigns] = await Promise.all([
    api.get<AdsConnection>("vk/ads").catch((e) => { if (e instanceof ApiError && e.status === 404) return null; throw e; }),
    api.get<CampaignLine[]>("reports/campaigns"),
  ]);
  const errors: Record<string, string> = Object.fromEntries(["accountId", "userToken@5", "userToken@15", "userToken", "campaignId"].map((k) => [k, t(`err.${k}`)]));
  errors["@503"] = t("err.503");
  const result = el("div", { "data-testid": "ads-result" });
  const account = el("input", { inputmode: "numeric", required: true, "data-testid": "ads-account", value: current ? String(current.accountId) : "" });
  const rows = el("div", { "data-testid": "ads-rows" });
  const addRow = (m?: Mapping) => {
    const ads = el("input", { inputmode: "numeric", required: true, "data-testid": "ads-campaign", value: m ? String(m.adsCampaignId) : "" });
    const ours = el("select", { "data-testid": "ads-our-campaign" }, el("option", { value: "" }, t("chooseCampaign")),
      ...campaigns.map((c) => el("option", { value: c.campaignId, selected: c.campaignId === m?.campaignId }, c.name)));
    const source = el("select", { "data-testid": "ads-source" }, ...(["own", "vk_grant"] as const).map((s) => el("option", { value: s, selected: s === m?.source }, t(s))));
    const row = el("div", { class: "row ads-row" }, el("label", {}, t("adsCampaign"), ads), el("label", {}, t("campaign"), ours), el("label", {}, t("source"), source),
      el("button", { type: "button", class: "link", onclick: () => row.remove() }, t("remove")));
    rows.append(row);
  };
  (current?.campaigns ?? []).forEach(addRow);
  if (!current) addRow();
  const form = el("form", { class: "card", onsubmit: async (event: Event) => {
    event.preventDefault();
    fill(result);
    const lines = [...rows.querySelectorAll(".ads-row")].map((row) => {
      const [ads, ours, source] = [...row.querySelectorAll("input, select")] as (HTMLInputElement | HTMLSelectElement)[];
      return { adsCampaignId: Number(ads!.value.trim()), campaignId: ours!.value || undefined, source: source!.value };
    });
    try {
      // The problem names "campaigns[i].adsCampaignId"; the page says what is wrong with that line's number.
      const answer = await api.put<{ sync: { status: string } }>("vk/ads", { accountId: Number(account.value.trim()), campaigns: lines });
      result.append(ctx.notice(answer.sync.status === "synced" ? t("saved") : t("incomplete")));
    } catch (error) {
      const adsLine = error instanceof ApiError && /adsCampaignId/.test(error.detail);
      result.append(ctx.error(error, adsLine ? { "@422": t("err.adsCampaignId"), "@400": t("err.adsCampaignId") } : errors));
    }
  } },
    current ? el("p", { class: "muted" }, t("connectedAt", { at: format.dateTime(current.connectedAt) })) : null,
    el("label", {}, t("account"), account), rows,
    el("p", {}, el("button", { type: "button", class: "secondary", "data-testid": "ads-add-row", onclick: () => addRow() }, t("addRow"))),
    el("button", { type: "submit", "data-testid": "ads-save" }, t("save")), result);
  ctx.root.append(el("h1", {}, t("title")), el("p", { class: "muted" }, t("lead")), form);
}

const page: Page = { route: "/vk/ads", order: 3, nav: { ru: "VK Реклама", en: "VK Ads" }, manager: true, messages, render };
export default page;
