import { append, el, fill } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { field, isoFromLocal, localFromIso, submit } from "./forms";

// Fundraisers: a goal in one currency and a deadline; create, edit, close (its deadline becomes now).
interface Fundraiser {
  id: string; campaignId: string | null; title: string; goal: { amountMinor: number; currency: string }; deadline: string; refusesLateGifts: boolean; closed: boolean;
}
interface Campaign { id: string; name: string }

const currencies = ["RUB", "USD", "EUR", "KZT", "BYN"];

const messages = {
  ru: {
    title: "Сборы", intro: "Сбор — цель в одной валюте и срок. Закрытый сбор считает только деньги, пришедшие до закрытия.",
    create: "Новый сбор", edit: "Изменить сбор «{title}»", editAction: "Изменить", fundraiserTitle: "Название", campaign: "Кампания", noCampaign: "без кампании",
    goal: "Цель", currency: "Валюта", deadline: "Срок", refusesLateGifts: "После срока не принимать платежи (CloudPayments Check)",
    add: "Создать", save: "Сохранить", cancel: "Отмена", close: "Закрыть сбор", closed: "закрыт", running: "идёт", status: "Состояние", actions: "Действия",
    created: "Сбор создан.", saved: "Сохранено.", wasClosed: "Сбор закрыт.", none: "Сборов пока нет.",
    "problem.title": "Введите название (до 200 символов).", "problem.goal": "Цель — положительная сумма, например 150000 или 1500,50.",
    "problem.goal.currency": "Валюту сбора изменить нельзя: создайте новый сбор.", "problem.deadline": "Укажите срок.", "problem.campaignId": "Кампанию сбора изменить нельзя.",
  },
  en: {
    title: "Fundraisers", intro: "A fundraiser is a goal in one currency and a deadline. A closed fundraiser counts only money that came before it was closed.",
    create: "New fundraiser", edit: "Edit fundraiser “{title}”", editAction: "Edit", fundraiserTitle: "Title", campaign: "Campaign", noCampaign: "no campaign",
    goal: "Goal", currency: "Currency", deadline: "Deadline", refusesLateGifts: "Refuse payments after the deadline (CloudPayments Check)",
    add: "Create", save: "Save", cancel: "Cancel", close: "Close fundraiser", closed: "closed", running: "running", status: "Status", actions: "Actions",
    created: "Fundraiser created.", saved: "Saved.", wasClosed: "Fundraiser closed.", none: "No fundraisers yet.",
    "problem.title": "Enter a title (up to 200 characters).", "problem.goal": "The goal is a positive amount, such as 150000 or 1500.50.",
    "problem.goal.currency": "A fundraiser's currency cannot change: create a new fundraiser.", "problem.deadline": "Enter the deadline.", "problem.campaignId": "A fundraiser's campaign cannot change.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const [{ fundraisers }, { campaigns }] = await Promise.all([api.get<{ fundraisers: Fundraiser[] }>("fundraisers"), api.get<{ campaigns: Campaign[] }>("campaigns")]);
  const result = el("div", { "data-testid": "result" });
  const title = el("input", { "data-testid": "title", maxlength: 200 });
  const campaign = el("select", { "data-testid": "campaign" }, el("option", { value: "" }, t("noCampaign")), ...campaigns.map((c) => el("option", { value: c.id }, c.name)));
  const goal = el("input", { inputmode: "decimal", "data-testid": "goal" });
  const currency = el("select", { "data-testid": "currency" }, ...currencies.map((c) => el("option", { value: c }, c)));
  const deadline = el("input", { type: "datetime-local", "data-testid": "deadline" });
  const late = el("input", { type: "checkbox", "data-testid": "refuses-late-gifts" });
  const heading = el("h2", {}, t("create"));
  const submitButton = el("button", { type: "submit", "data-testid": "submit" }, t("add"));
  let editing: Fundraiser | null = null;
  const problems = { "goal.currency": t("problem.goal.currency"), title: t("problem.title"), goal: t("problem.goal"), deadline: t("problem.deadline"), campaignId: t("problem.campaignId") };
  const form = el("form", { class: "card", "data-testid": "fundraiser-form", onsubmit: async (event: Event) => {
    event.preventDefault();
    const amountMinor = format.parseMajor(goal.value, currency.value);
    const body = {
      title: title.value, campaignId: campaign.value || null, goal: { amountMinor: amountMinor ?? -1, currency: currency.value },
      deadline: isoFromLocal(deadline.value), refusesLateGifts: late.checked,
    };
    const ok = await submit(ctx, result, async () => {
      if (editing) await api.put(`fundraisers/${encodeURIComponent(editing.id)}`, body);
      else await api.post("fundraisers", body);
    }, problems);
    if (ok) { sessionStorage.setItem("donations.flash", editing ? t("saved") : t("created")); ctx.refresh(); }
  } }, heading, field(t("fundraiserTitle"), title), field(t("campaign"), campaign),
    el("div", { class: "row" }, field(t("goal"), goal), field(t("currency"), currency)), field(t("deadline"), deadline),
    el("label", { class: "inline" }, late, t("refusesLateGifts")),
    el("div", { class: "row" }, submitButton, el("button", { type: "button", class: "secondary", onclick: () => ctx.refresh() }, t("cancel"))), result);
  const startEdit = (f: Fundraiser) => {
    editing = f;
    fill(heading, t("edit", { title: f.title }));
    title.value = f.title;
    campaign.value = f.campaignId ?? "";
    goal.value = format.major(f.goal.amountMinor, f.goal.currency);
    currency.value = f.goal.currency;
    deadline.value = localFromIso(f.deadline);
    late.checked = f.refusesLateGifts;
    fill(submitButton, t("save"));
    title.focus();
  };
  const flash = sessionStorage.getItem("donations.flash");
  sessionStorage.removeItem("donations.flash");
  const campaignName = (id: string | null) => campaigns.find((c) => c.id === id)?.name ?? id ?? t("noCampaign");
  append(ctx.root, el("h1", {}, t("title")), el("p", { class: "muted" }, t("intro")), flash ? ctx.notice(flash) : null, form,
    el("section", { class: "card" }, ctx.table({
      testid: "fundraisers", rows: fundraisers, rowTestId: (f) => `fundraiser-${f.id}`, empty: t("none"),
      columns: [
        { title: t("fundraiserTitle"), value: (f) => f.title, testid: "col-title" },
        { title: t("campaign"), value: (f) => campaignName(f.campaignId) },
        { title: t("goal"), value: (f) => f.goal.amountMinor, cell: (f) => format.money(f.goal.amountMinor, f.goal.currency), numeric: true, testid: "col-goal" },
        { title: t("deadline"), value: (f) => f.deadline, cell: (f) => format.dateTime(f.deadline), testid: "col-deadline" },
        { title: t("status"), value: (f) => (f.closed ? 1 : 0), cell: (f) => (f.closed ? t("closed") : t("running")), testid: "col-status" },
        { title: t("actions"), value: () => "", cell: (f) => el("span", { class: "row" },
          el("button", { type: "button", class: "secondary", "data-testid": `edit-${f.id}`, onclick: () => startEdit(f) }, t("editAction")),
          f.closed ? null : el("button", { type: "button", class: "secondary", "data-testid": `close-${f.id}`, onclick: async () => {
            if (await submit(ctx, result, () => api.post(`fundraisers/${encodeURIComponent(f.id)}/close`))) { sessionStorage.setItem("donations.flash", t("wasClosed")); ctx.refresh(); }
          } }, t("close"))) },
      ],
    })));
}

const page: Page = { route: "/setup/fundraisers", nav: { ru: "Сборы", en: "Fundraisers" }, order: 30, manager: true, messages, render };
export default page;
