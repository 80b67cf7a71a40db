import { el, fill } from "../../core/dom";
import { loadSession, saveSession } from "../../core/session";
import type { Ctx, Page } from "../page";
import { copyButton } from "./forms";

// Keys: when each was given and last used (never the key itself), and rotation — the new key is shown once, here, and
// the old one is refused by every service from the moment the answer comes.
interface KeyLine { role: string; grantedAt: string; lastUsedAt: string | null }
interface Rotated { role: string; key: string; propagated: boolean }

const messages = {
  ru: {
    title: "Ключи доступа", intro: "Управляющий ключ открывает настройки и отчёты, ключ просмотра — только отчёты. Ключи хранятся только в виде хэша: показать старый ключ нельзя, можно выдать новый.",
    role: "Ключ", "role.manager": "управляющий", "role.viewer": "для просмотра", grantedAt: "Выдан", lastUsedAt: "Последнее использование", never: "не использовался",
    rotate: "Заменить ключ: {role}", confirm: "Заменить ключ «{role}»? Старый перестанет работать сразу — у всех, кто им пользуется.", yes: "Да, заменить", no: "Отмена",
    newKey: "Новый ключ «{role}»", once: "Сохраните его сейчас: больше он не будет показан. Старый ключ уже не принимается.",
    notPropagated: "Отчёты и атрибуция ещё не подтвердили замену; через несколько секунд старый ключ перестанет работать и там.",
    ownKey: "Это был ваш ключ: вы остаётесь в системе с новым.", done: "Я сохранил ключ", copy: "Копировать", copied: "Скопировано",
  },
  en: {
    title: "Access keys", intro: "The manager key opens settings and reports, the viewer key reports only. Keys are stored only as hashes: an old key cannot be shown, a new one can be given.",
    role: "Key", "role.manager": "manager", "role.viewer": "viewer", grantedAt: "Given", lastUsedAt: "Last used", never: "never used",
    rotate: "Replace the {role} key", confirm: "Replace the {role} key? The old one stops working at once, for everyone who uses it.", yes: "Yes, replace", no: "Cancel",
    newKey: "New {role} key", once: "Save it now: it is not shown again. The old key is refused from now on.",
    notPropagated: "Reports and attribution have not confirmed the change yet; within seconds the old key stops working there too.",
    ownKey: "That was your key: you stay signed in with the new one.", done: "I have saved the key", copy: "Copy", copied: "Copied",
  },
};

async function render(ctx: Ctx): Promise<void> {
  const { t, api, format } = ctx;
  const keys = await api.get<KeyLine[]>("keys");
  const action = el("div", { "data-testid": "key-action" });
  const ask = (role: string) => fill(action, el("div", { class: "card", "data-testid": "confirm" },
    el("p", {}, t("confirm", { role: t(`role.${role}`) })),
    el("div", { class: "row" },
      el("button", { type: "button", "data-testid": "confirm-rotate", onclick: () => void rotate(role) }, t("yes")),
      el("button", { type: "button", class: "secondary", onclick: () => fill(action) }, t("no")))));
  const rotate = async (role: string) => {
    try {
      const rotated = await api.post<Rotated>(`keys/${role}/rotate`);
      // The person's own key was replaced: the session carries the new one, so the next screen still opens.
      const own = role === ctx.role;
      const session = loadSession();
      if (own && session) saveSession({ ...session, key: rotated.key });
      fill(action, el("section", { class: "card", "data-testid": "new-key-box" },
        el("h2", {}, t("newKey", { role: t(`role.${role}`) })),
        el("div", { class: "row" }, el("code", { "data-testid": "new-key" }, rotated.key), copyButton(ctx, rotated.key, "copy-key")),
        el("p", {}, t("once")),
        rotated.propagated ? null : el("p", { class: "muted", "data-testid": "not-propagated" }, t("notPropagated")),
        own ? el("p", { "data-testid": "own-key" }, t("ownKey")) : null,
        el("button", { type: "button", "data-testid": "key-saved", onclick: () => ctx.refresh() }, t("done"))));
    } catch (error) {
      fill(action, ctx.error(error));
    }
  };
  ctx.root.append(el("h1", {}, t("title")), el("p", { class: "muted" }, t("intro")),
    el("section", { class: "card" }, ctx.table({
      testid: "keys", rows: keys, rowTestId: (k) => `key-${k.role}`,
      columns: [
        { title: t("role"), value: (k) => k.role, cell: (k) => t(`role.${k.role}`) },
        { title: t("grantedAt"), value: (k) => k.grantedAt, cell: (k) => format.dateTime(k.grantedAt), testid: "granted-at" },
        { title: t("lastUsedAt"), value: (k) => k.lastUsedAt ?? "", cell: (k) => (k.lastUsedAt ? format.dateTime(k.lastUsedAt) : t("never")) },
      ],
    }),
    el("div", { class: "row" }, ...["viewer", "manager"].map((role) =>
      el("button", { type: "button", class: "secondary", "data-testid": `rotate-${role}`, onclick: () => ask(role) }, t("rotate", { role: t(`role.${role}`) }))))),
    action);
}

const page: Page = { route: "/setup/keys", nav: { ru: "Ключи", en: "Keys" }, order: 60, manager: true, messages, render };
export default page;
