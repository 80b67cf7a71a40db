import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { money, type Period, periodBar } from "./shared";

// Money received per provider and currency against what reached the bank: VK Donut's withdrawals set against Donut
// money (gross, VK's fee, withdrawn, not yet withdrawn); other providers pay out outside our sight.
interface Line { provider: string; currency: string; grossMinor: number; refundedMinor: number; feeMinor: number; netOfFeeMinor: number; donations: number; paidOutMinor: number; payoutFeeMinor: number; reachedBankMinor: number; failedPayouts: number }

const messages = {
  ru: {
    title: "Выплаты VK Donut", lead: "Деньги VK Donut и выводы на счёт: получено, комиссия VK, выведено, ещё не выведено. Каждая валюта отдельно.",
    provider: "Провайдер", currency: "Валюта", gross: "Получено", refunded: "Возвраты", fee: "Комиссия провайдера", vkFee: "Комиссия VK", net: "За вычетом комиссии", donations: "Пожертвований",
    withdrawn: "Выведено", payoutFee: "Комиссия вывода", bank: "Дошло до банка", notWithdrawn: "Ещё не выведено", failed: "Неудачных выводов",
    noDonut: "Денег VK Donut за период нет.", all: "Все провайдеры", donut: "VK Donut, {currency}",
    "provider.vk": "VK (Donut, VK Pay)", "provider.cloudpayments": "CloudPayments", "provider.yookassa": "ЮKassa", "provider.generic": "Своя платёжная страница",
  },
  en: {
    title: "VK Donut payouts", lead: "VK Donut money and withdrawals to the bank: received, VK's fee, withdrawn, not yet withdrawn. Each currency on its own.",
    provider: "Provider", currency: "Currency", gross: "Received", refunded: "Refunds", fee: "Provider's fee", vkFee: "VK's fee", net: "Net of fees", donations: "Donations",
    withdrawn: "Withdrawn", payoutFee: "Payout fee", bank: "Reached the bank", notWithdrawn: "Not yet withdrawn", failed: "Failed payouts",
    noDonut: "No VK Donut money in this period.", all: "Every provider", donut: "VK Donut, {currency}",
    "provider.vk": "VK (Donut, VK Pay)", "provider.cloudpayments": "CloudPayments", "provider.yookassa": "YooKassa", "provider.generic": "Own payment page",
  },
};

/** What is left to withdraw: money net of the provider's fees less what was paid out. */
const left = (l: Line) => l.netOfFeeMinor - l.paidOutMinor;

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const body = el("div");
  const provider = (p: string) => (t(`provider.${p}`) === `provider.${p}` ? p : t(`provider.${p}`));
  const load = async (period: Period) => {
    try {
      const lines = await api.get<Line[]>("reports/payouts", period);
      const donut = lines.filter((l) => l.provider === "vk");
      const cards = donut.length === 0 ? [el("p", { class: "card", "data-testid": "no-donut" }, t("noDonut"))]
        : [el("section", { class: "cards" }, ...donut.map((l) => el("div", { class: "card", "data-testid": `donut-${l.currency}` },
          el("h2", {}, t("donut", { currency: l.currency })),
          el("dl", {},
            el("dt", {}, t("gross")), el("dd", {}, money(ctx, l.grossMinor, l.currency, "gross")),
            el("dt", {}, t("vkFee")), el("dd", {}, money(ctx, l.feeMinor, l.currency, "fee")),
            el("dt", {}, t("withdrawn")), el("dd", {}, money(ctx, l.paidOutMinor, l.currency, "withdrawn")),
            el("dt", {}, t("notWithdrawn")), el("dd", {}, money(ctx, left(l), l.currency, "not-withdrawn")),
            el("dt", {}, t("bank")), el("dd", {}, money(ctx, l.reachedBankMinor, l.currency, "bank"))))))];
      body.replaceChildren(...cards, el("section", { class: "card" }, el("h2", {}, t("all")), ctx.table({
        testid: "payouts", rows: lines, rowTestId: (l) => `payout-${l.provider}-${l.currency}`,
        downloads: { path: "reports/payouts", query: period, name: `${ctx.ngo}-payouts`, formats: ["csv", "xlsx"] },
        columns: [
          { title: t("provider"), value: (l) => provider(l.provider) },
          { title: t("currency"), value: (l) => l.currency },
          { title: t("gross"), value: (l) => l.grossMinor, cell: (l) => money(ctx, l.grossMinor, l.currency), numeric: true, testid: "gross" },
          { title: t("refunded"), value: (l) => l.refundedMinor, cell: (l) => money(ctx, l.refundedMinor, l.currency), numeric: true, testid: "refunded" },
          { title: t("fee"), value: (l) => l.feeMinor, cell: (l) => money(ctx, l.feeMinor, l.currency), numeric: true, testid: "fee" },
          { title: t("net"), value: (l) => l.netOfFeeMinor, cell: (l) => money(ctx, l.netOfFeeMinor, l.currency), numeric: true, testid: "net" },
          { title: t("donations"), value: (l) => l.donations, cell: (l) => format.number(l.donations), numeric: true },
          { title: t("withdrawn"), value: (l) => l.paidOutMinor, cell: (l) => money(ctx, l.paidOutMinor, l.currency), numeric: true, testid: "withdrawn" },
          { title: t("payoutFee"), value: (l) => l.payoutFeeMinor, cell: (l) => money(ctx, l.payoutFeeMinor, l.currency), numeric: true },
          { title: t("bank"), value: (l) => l.reachedBankMinor, cell: (l) => money(ctx, l.reachedBankMinor, l.currency), numeric: true },
          { title: t("failed"), value: (l) => l.failedPayouts, cell: (l) => format.number(l.failedPayouts), numeric: true },
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

const page: Page = { route: "/reports/payouts", order: 7, nav: { ru: "Выплаты Donut", en: "Donut payouts" }, messages, render };
export default page;
