import { append, el, fill } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { field, isoFromLocal, localFromIso, submit } from "./forms";

// Campaigns: create, edit (name and dates), close (it ends now).
interface Campaign { id: string; name: string; startsAt: string; endsAt: string | null; closed: boolean }

const messages = {
  ru: {
    title: "Кампании", intro: "Кампания объединяет посты и сборы одной темы; отчёты показывают деньги по кампаниям.",
    create: "Новая кампания", edit: "Изменить кампанию «{name}»", name: "Название", startsAt: "Начало", endsAt: "Окончание (необязательно)",
    add: "Создать", editAction: "Изменить", save: "Сохранить", cancel: "Отмена", close: "Завершить", closed: "завершена", running: "идёт", status: "Состояние", actions: "Действия",
    created: "Кампания создана.", saved: "Сохранено.", wasClosed: "Кампания завершена.", none: "Кампаний пока нет.",
    "problem.name": "Введите название (до 200 символов).", "problem.startsAt": "Укажите дату начала.", "problem.endsAt": "Окончание должно быть позже начала.",
  },
  en: {
    title: "Campaigns", intro: "A campaign groups the posts and fundraisers of one cause; the reports show money per campaign.",
    create: "New campaign", edit: "Edit campaign “{name}”", name: "Name", startsAt: "Starts", endsAt: "Ends (optional)",
    add: "Create", editAction: "Edit", save: "Save", cancel: "Cancel", close: "Close", closed: "closed", running: "running", status: "Status", actions: "Actions",
    created: "Campaign created.", saved: "Saved.", wasClosed: "Campaign closed.", none: "No campaigns yet.",
    "problem.name": "Enter a name (up to 200 characters).", "problem.startsAt": "Enter the start date.", "problem.endsAt": "The end must be after the start.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const { campaigns } = await api.get<{ campaigns: Campaign[] }>("campaigns");
  const result = el("div", { "data-testid": "result" });
  const name = el("input", { "data-testid": "name", maxlength: 200 });
  const startsAt = el("input", { type: "datetime-local", "data-testid": "starts-at" });
  const endsAt = el("input", { type: "datetime-local", "data-testid": "ends-at" });
  const heading = el("h2", {}, t("create"));
  const submitButton = el("button", { type: "submit", "data-testid": "submit" }, t("add"));
  let editing: Campaign | null = null;
  // "endsAt" first: its problem names "startsAt" too.
  const problems = { endsAt: t("problem.endsAt"), name: t("problem.name"), startsAt: t("problem.startsAt") };
  const form = el("form", { class: "card", "data-testid": "campaign-form", onsubmit: async (event: Event) => {
    event.preventDefault();
    const body = { name: name.value, startsAt: isoFromLocal(startsAt.value), endsAt: isoFromLocal(endsAt.value) };
    const ok = await submit(ctx, result, async () => {
      if (editing) await api.put(`campaigns/${encodeURIComponent(editing.id)}`, body);
      else await api.post("campaigns", body);
    }, problems);
    if (ok) { sessionStorage.setItem("donations.flash", editing ? t("saved") : t("created")); ctx.refresh(); }
  } }, heading, field(t("name"), name), field(t("startsAt"), startsAt), field(t("endsAt"), endsAt),
    el("div", { class: "row" }, submitButton, el("button", { type: "button", class: "secondary", onclick: () => ctx.refresh() }, t("cancel"))), result);
  const startEdit = (c: Campaign) => {
    editing = c;
    fill(heading, t("edit", { name: c.name }));
    name.value = c.name;
    startsAt.value = localFromIso(c.startsAt);
    endsAt.value = localFromIso(c.endsAt);
    fill(submitButton, t("save"));
    name.focus();
  };
  const flash = sessionStorage.getItem("donations.flash");
  sessionStorage.removeItem("donations.flash");
  append(ctx.root, el("h1", {}, t("title")), el("p", { class: "muted" }, t("intro")), flash ? ctx.notice(flash) : null, form,
    el("section", { class: "card" }, ctx.table({
      testid: "campaigns", rows: campaigns, rowTestId: (c) => `campaign-${c.id}`, empty: t("none"),
      columns: [
        { title: t("name"), value: (c) => c.name, testid: "col-name" },
        { title: t("startsAt"), value: (c) => c.startsAt, cell: (c) => format.dateTime(c.startsAt) },
        { title: t("endsAt"), value: (c) => c.endsAt ?? "", cell: (c) => format.dateTime(c.endsAt), testid: "col-ends-at" },
        { title: t("status"), value: (c) => (c.closed ? 1 : 0), cell: (c) => (c.closed ? t("closed") : t("running")), testid: "col-status" },
        { title: t("actions"), value: () => "", cell: (c) => el("span", { class: "row" },
          el("button", { type: "button", class: "secondary", "data-testid": `edit-${c.id}`, onclick: () => startEdit(c) }, t("editAction")),
          c.closed ? null : el("button", { type: "button", class: "secondary", "data-testid": `close-${c.id}`, onclick: async () => {
            if (await submit(ctx, result, () => api.post(`campaigns/${encodeURIComponent(c.id)}/close`))) { sessionStorage.setItem("donations.flash", t("wasClosed")); ctx.refresh(); }
          } }, t("close"))) },
      ],
    })));
}

const page: Page = { route: "/setup/campaigns", nav: { ru: "Кампании", en: "Campaigns" }, order: 20, manager: true, messages, render };
export default page;
