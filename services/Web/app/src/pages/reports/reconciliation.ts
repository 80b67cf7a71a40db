import { el } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { money, term, withTerms } from "./shared";

// Does every kopeck accepted show in the reports? Per provider and currency, and the donations that differ, each
// linked to its page.
interface Line { provider: string; currency: string; status: string; acceptedDonations: number; acceptedNetMinor: number; reportedDonations: number; reportedNetMinor: number; differenceMinor: number; pendingDonations: number; mismatchedDonations: number; refundsAwaitingPayment: number }
interface Difference { donationId: string; provider: string; providerTxId: string; currency: string; state: string; acceptedMinor: number | null; reportedMinor: number | null }
interface Report { status: string; checkedAt: string; graceSeconds: number; lines: Line[]; differences: Difference[] }

const messages = {
  ru: {
    title: "Сверка", lead: "Сравнение денег, принятых от провайдеров, с деньгами в отчётах — пожертвование за пожертвованием.",
    status: "Состояние: {status}", checked: "Проверено {at}; расхождение моложе {grace} с считается ожидаемым.", provider: "Провайдер", currency: "Валюта",
    lineStatus: "Состояние", accepted: "Принято (чистыми)", reported: "В отчётах (чистыми)", difference: "Разница", acceptedCount: "Принято пожертвований",
    pending: "Ожидается", mismatched: "Расхождений", awaiting: "Возвратов ждут платежа", differences: "Пожертвования с разницей", donation: "Пожертвование",
    state: "Состояние", none: "Пожертвований пока нет.",
  },
  en: {
    title: "Reconciliation", lead: "Money accepted from the providers against money in the reports, donation by donation.",
    status: "Status: {status}", checked: "Checked {at}; a difference younger than {grace} s counts as pending.", provider: "Provider", currency: "Currency",
    lineStatus: "Status", accepted: "Accepted (net)", reported: "In the reports (net)", difference: "Difference", acceptedCount: "Donations accepted",
    pending: "Pending", mismatched: "Mismatched", awaiting: "Refunds awaiting payment", differences: "Donations that differ", donation: "Donation",
    state: "State", none: "No donations yet.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const body = el("div", {}, el("p", { class: "muted" }, t("common.loading")));
  ctx.root.append(el("h1", {}, t("title")), el("p", { class: "muted" }, t("lead")), body);
  try {
    const r = await api.get<Report>("reconciliation");
    body.replaceChildren(
      el("section", { class: "card", "data-testid": "reconciliation", "data-status": r.status },
        el("h2", {}, el("span", { class: `badge ${r.status}`, "data-testid": "status" }, t("status", { status: term(ctx, r.status) }))),
        el("p", { class: "muted" }, t("checked", { at: format.dateTime(r.checkedAt), grace: r.graceSeconds }))),
      el("section", { class: "card" }, ctx.table({
        testid: "reconciliation-lines", rows: r.lines, rowTestId: (l) => `line-${l.provider}-${l.currency}`, empty: t("none"),
        downloads: { path: "reconciliation", query: {}, name: `${ctx.ngo}-reconciliation`, formats: ["csv", "xlsx"] },
        columns: [
          { title: t("provider"), value: (l) => l.provider }, { title: t("currency"), value: (l) => l.currency },
          { title: t("lineStatus"), value: (l) => term(ctx, l.status), testid: "status" },
          { title: t("acceptedCount"), value: (l) => l.acceptedDonations, cell: (l) => format.number(l.acceptedDonations), numeric: true, testid: "accepted-count" },
          { title: t("accepted"), value: (l) => l.acceptedNetMinor, cell: (l) => money(ctx, l.acceptedNetMinor, l.currency), numeric: true, testid: "accepted" },
          { title: t("reported"), value: (l) => l.reportedNetMinor, cell: (l) => money(ctx, l.reportedNetMinor, l.currency), numeric: true, testid: "reported" },
          { title: t("difference"), value: (l) => l.differenceMinor, cell: (l) => money(ctx, l.differenceMinor, l.currency), numeric: true, testid: "difference" },
          { title: t("pending"), value: (l) => l.pendingDonations, cell: (l) => format.number(l.pendingDonations), numeric: true },
          { title: t("mismatched"), value: (l) => l.mismatchedDonations, cell: (l) => format.number(l.mismatchedDonations), numeric: true },
          { title: t("awaiting"), value: (l) => l.refundsAwaitingPayment, cell: (l) => format.number(l.refundsAwaitingPayment), numeric: true },
        ],
      })),
      r.differences.length === 0 ? "" : el("section", { class: "card" }, el("h2", {}, t("differences")), ctx.table({
        testid: "reconciliation-differences", rows: r.differences,
        columns: [
          { title: t("donation"), value: (d) => d.providerTxId, cell: (d) => el("a", { href: `#/reports/donations/${encodeURIComponent(d.donationId)}` }, d.providerTxId) },
          { title: t("provider"), value: (d) => d.provider },
          { title: t("state"), value: (d) => term(ctx, d.state) },
          { title: t("accepted"), value: (d) => d.acceptedMinor, cell: (d) => (d.acceptedMinor == null ? "—" : format.money(d.acceptedMinor, d.currency)), numeric: true },
          { title: t("reported"), value: (d) => d.reportedMinor, cell: (d) => (d.reportedMinor == null ? "—" : format.money(d.reportedMinor, d.currency)), numeric: true },
        ],
      })));
  } catch (error) {
    body.replaceChildren(ctx.error(error));
  }
}

const page: Page = { route: "/reports/reconciliation", order: 8, nav: { ru: "Сверка", en: "Reconciliation" }, messages: withTerms(messages), render };
export default page;
