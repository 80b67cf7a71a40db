import { el, fill } from "../../core/dom";
import type { Ctx, Page } from "../page";
import { field, submit, whileShown } from "./forms";

// Attribution settings: which model credits the posts, and the look-back window; while history is re-decided under
// new settings, a progress bar; donations the replay had to set aside are listed.
interface Progress { settingsVersion: number; total: number; done: number; startedAt: string; finishedAt: string | null; failed: number; failures: { donationId: string; error: string; setAsideAt: string }[] }
interface Settings { model: string; lookbackDays: number; version: number; reattribution: Progress | null }

const models = ["last-click", "first-click", "linear", "time-decay", "position-based"];

const messages = {
  ru: {
    title: "Модель атрибуции", intro: "Модель решает, каким постам засчитать пожертвование, если человек переходил по нескольким ссылкам до оплаты.",
    "model.last-click": "Последний клик", "model.first-click": "Первый клик", "model.linear": "Поровну", "model.time-decay": "С затуханием", "model.position-based": "По позиции",
    "about.last-click": "Всё пожертвование — посту, по ссылке которого человек перешёл последним перед оплатой.",
    "about.first-click": "Всё пожертвование — посту, с которого человек пришёл впервые.",
    "about.linear": "Пожертвование делится поровну между всеми постами, по ссылкам которых человек переходил.",
    "about.time-decay": "Чем ближе переход к оплате, тем больше доля; вдвое меньше за каждые 7 дней до оплаты.",
    "about.position-based": "40% — первому посту, 40% — последнему, 20% — делят посты между ними; при двух переходах — пополам.",
    lookbackDays: "Окно атрибуции, дней (1–365): переходы раньше не учитываются", save: "Применить",
    saved: "Настройки применены. Новые пожертвования считаются по ним сразу, история пересчитывается.",
    progress: "Пересчёт истории", progressLine: "{done} из {total}", finished: "Пересчёт завершён {date}.", running: "Идёт пересчёт…", never: "История не пересчитывалась.",
    failures: "Отложенные пожертвования ({count})", failuresNote: "Эти пожертвования не удалось пересчитать три раза; пересчёт завершён без них, при следующем изменении настроек они будут пересчитаны снова.",
    donation: "Пожертвование", error: "Ошибка", at: "Когда", current: "Сейчас: {model}, окно {days} дн., версия {version}",
    "problem.lookbackDays": "Окно — целое число дней от 1 до 365.", "problem.model": "Выберите модель.",
  },
  en: {
    title: "Attribution model", intro: "The model decides which posts get the credit for a donation when the person followed several links before paying.",
    "model.last-click": "Last click", "model.first-click": "First click", "model.linear": "Linear", "model.time-decay": "Time decay", "model.position-based": "Position based",
    "about.last-click": "The whole donation goes to the post whose link the person followed last before paying.",
    "about.first-click": "The whole donation goes to the post the person first came from.",
    "about.linear": "The donation is split equally among every post whose link the person followed.",
    "about.time-decay": "The closer a click is to the payment, the larger its share; half as much for every 7 days before it.",
    "about.position-based": "40% to the first post, 40% to the last, 20% shared by those between; with two clicks, half each.",
    lookbackDays: "Window, days (1–365): earlier clicks are not counted", save: "Apply",
    saved: "Settings applied. New donations use them at once; history is being re-decided.",
    progress: "Re-deciding history", progressLine: "{done} of {total}", finished: "Finished {date}.", running: "Running…", never: "History has not been re-decided.",
    failures: "Set aside ({count})", failuresNote: "These donations failed three times; the replay finished without them, and the next settings change tries them again.",
    donation: "Donation", error: "Error", at: "When", current: "Now: {model}, window {days} days, version {version}",
    "problem.lookbackDays": "The window is a whole number of days from 1 to 365.", "problem.model": "Choose a model.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api } = ctx;
  let settings = await api.get<Settings>("attribution-settings");
  const result = el("div", { "data-testid": "result" });
  const current = el("p", { "data-testid": "current", "data-model": settings.model });
  const choices = el("fieldset", { "data-testid": "models" }, ...models.map((m) => el("label", { class: "inline model" },
    el("input", { type: "radio", name: "model", value: m, "data-testid": `model-${m}`, checked: m === settings.model }),
    el("span", {}, el("strong", {}, t(`model.${m}`)), " — ", el("span", {}, t(`about.${m}`))))));
  const lookback = el("input", { type: "number", min: 1, max: 365, "data-testid": "lookback-days", value: settings.lookbackDays });
  const progress = el("section", { class: "card", "data-testid": "progress" });
  const draw = () => {
    fill(current, t("current", { model: t(`model.${settings.model}`), days: settings.lookbackDays, version: settings.version }));
    current.dataset.model = settings.model;
    drawProgress(ctx, progress, settings.reattribution);
  };
  const poll = () => whileShown(ctx, 1000, async () => {
    settings = await api.get<Settings>("attribution-settings");
    draw();
    return !settings.reattribution || settings.reattribution.finishedAt === null; // stops once finished
  });
  const form = el("form", { class: "card", "data-testid": "settings-form", onsubmit: async (event: Event) => {
    event.preventDefault();
    const model = choices.querySelector<HTMLInputElement>("input[name=model]:checked")?.value ?? null;
    const body = { model, lookbackDays: lookback.value === "" ? null : Number(lookback.value) };
    if (await submit(ctx, result, async () => { settings = await api.put<Settings>("attribution-settings", body); }, { lookbackDays: t("problem.lookbackDays"), model: t("problem.model") }, t("saved"))) {
      draw();
      poll();
    }
  } }, choices, field(t("lookbackDays"), lookback), el("button", { type: "submit", "data-testid": "save" }, t("save")), result);
  ctx.root.append(el("h1", {}, t("title")), el("p", { class: "muted" }, t("intro")), current, form, progress);
  draw();
  if (settings.reattribution && settings.reattribution.finishedAt === null) poll();
}

function drawProgress(ctx: Ctx, box: HTMLElement, p: Progress | null): void {
  const { t, format } = ctx;
  if (!p) { fill(box, el("h2", {}, t("progress")), el("p", { class: "muted", "data-testid": "progress-state", "data-state": "none" }, t("never"))); return; }
  const share = p.total > 0 ? p.done / p.total : 1;
  fill(box, el("h2", {}, t("progress")),
    el("div", { class: "bar", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": p.total, "aria-valuenow": p.done, "data-testid": "progress-bar" },
      el("div", { style: `width:${(100 * share).toFixed(1)}%` })),
    el("p", { "data-testid": "progress-line" }, t("progressLine", { done: format.number(p.done), total: format.number(p.total) })),
    el("p", { "data-testid": "progress-state", "data-state": p.finishedAt ? "finished" : "running", "data-version": p.settingsVersion },
      p.finishedAt ? t("finished", { date: format.dateTime(p.finishedAt) }) : t("running")),
    p.failed === 0 ? null : el("div", { "data-testid": "failures" }, el("h3", {}, t("failures", { count: p.failed })), el("p", { class: "muted" }, t("failuresNote")),
      ctx.table({
        rows: p.failures, rowTestId: (f) => `failure-${f.donationId}`,
        columns: [
          { title: t("donation"), value: (f) => f.donationId },
          { title: t("error"), value: (f) => f.error, cell: (f) => el("span", { lang: "en" }, f.error) },
          { title: t("at"), value: (f) => f.setAsideAt, cell: (f) => format.dateTime(f.setAsideAt) },
        ],
      })));
}

const page: Page = { route: "/setup/attribution", nav: { ru: "Модель атрибуции", en: "Attribution model" }, order: 50, manager: true, messages, render };
export default page;
