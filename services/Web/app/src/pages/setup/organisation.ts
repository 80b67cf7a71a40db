import { el } from "../../core/dom";
import { loadSession, saveSession } from "../../core/session";
import type { Ctx, Page } from "../page";
import { field, submit } from "./forms";

// The NGO's time zone: the calendar days every report counts in ("from 1 November" starts at midnight there).

// Russia's zones first, west to east; then every zone the browser knows.
const russian = ["Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Krasnoyarsk",
  "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka"];

/** "Asia/Novosibirsk (GMT+7)": the id, readable, with today's offset from UTC. */
function label(zone: string): string {
  const offset = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "shortOffset" }).formatToParts(Date.now()).find((p) => p.type === "timeZoneName")?.value;
  return `${zone.replaceAll("_", " ")}${offset ? ` (${offset})` : ""}`;
}

const messages = {
  ru: {
    title: "Часовой пояс", intro: "Отчёты считают дни по этому поясу: «с 1 ноября» начинается в полночь по нему. По умолчанию — Москва.",
    zone: "Часовой пояс организации", save: "Сохранить", current: "Сейчас: {zone}",
    saved: "Часовой пояс изменён. Отчёты пересчитываются по нему — у больших организаций это занимает до минуты; пока идёт пересчёт, отчёты уже верны, но медленнее.",
    russia: "Россия", other: "Другие", "problem.timeZone": "Выберите часовой пояс из списка.",
  },
  en: {
    title: "Time zone", intro: "Reports count days in this zone: \"from 1 November\" starts at midnight there. Moscow unless you choose another.",
    zone: "The organisation's time zone", save: "Save", current: "Now: {zone}",
    saved: "Time zone changed. Reports are being recounted in it — up to a minute for a large organisation; meanwhile they are already right, only slower.",
    russia: "Russia", other: "Others", "problem.timeZone": "Choose a time zone from the list.",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api } = ctx;
  const { timeZone } = await api.get<{ timeZone: string }>("session");
  const others = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone").filter((z) => !russian.includes(z)) ?? [];
  const option = (zone: string) => el("option", { value: zone, selected: zone === timeZone }, label(zone));
  const zone = el("select", { "data-testid": "time-zone" },
    el("optgroup", { label: t("russia") }, ...russian.map(option)),
    el("optgroup", { label: t("other") }, ...others.map(option)));
  if (![...zone.options].some((o) => o.value === timeZone)) zone.prepend(option(timeZone));
  const current = el("p", { "data-testid": "current", "data-zone": timeZone }, t("current", { zone: label(timeZone) }));
  const result = el("div", { "data-testid": "result" });
  const form = el("form", { class: "card", "data-testid": "zone-form", onsubmit: async (event: Event) => {
    event.preventDefault();
    if (await submit(ctx, result, async () => { await api.put("time-zone", { timeZone: zone.value }); }, { timeZone: t("problem.timeZone") })) {
      // Days on every page follow the new zone at once.
      const session = loadSession();
      if (session) saveSession({ ...session, timeZone: zone.value });
      sessionStorage.setItem("donations.flash", t("saved"));
      ctx.refresh();
    }
  } }, field(t("zone"), zone), el("button", { type: "submit", "data-testid": "save" }, t("save")), result);
  const flash = sessionStorage.getItem("donations.flash");
  sessionStorage.removeItem("donations.flash");
  ctx.root.append(el("h1", {}, t("title")), el("p", { class: "muted" }, t("intro")), ...(flash ? [ctx.notice(flash)] : []), current, form);
}

const page: Page = { route: "/setup/organisation", nav: { ru: "Часовой пояс", en: "Time zone" }, order: 60, manager: true, messages, render };
export default page;
