import { ApiError } from "../../core/api";
import { el, fill } from "../../core/dom";
import type { Ctx, Page } from "../page";

// Connecting the NGO's VK community: its id and access key (and a user token for reach and VK Ads), checked by VK
// before anything is kept. The tokens are never shown again; the page shows what VK says of the community.
interface Connection {
  groupId: number; name: string; screenName: string | null; photo: string | null; verified: boolean; userToken: boolean;
  connectedAt: string; syncedAt: string | null; lastProblem: string | null; sync?: { status: string; posts: number; problem: string | null } | null;
}

const messages = {
  ru: {
    title: "Подключение ВКонтакте", notConnected: "Сообщество ещё не подключено.",
    groupId: "Сообщество: номер или адрес (например, 123456, club123456 или https://vk.com/club123456)",
    accessToken: "Ключ доступа сообщества (Управление → Работа с API → Ключи доступа; права: управление, стена)",
    userToken: "Токен пользователя-администратора с правами «статистика» и «реклама» (необязательно: для охвата и VK Рекламы)",
    connect: "Подключить", reconnect: "Подключить заново",
    tokensHidden: "Ключи хранятся зашифрованными и больше не показываются. Чтобы заменить ключ, подключите сообщество заново.",
    verified: "✔ Сообщество верифицировано ВКонтакте", notVerified: "Сообщество не верифицировано",
    connectedAt: "Подключено: {at}", syncedAt: "Последняя синхронизация: {at}", neverSynced: "Ещё не синхронизировано",
    userTokenYes: "Токен пользователя есть: охват постов и VK Реклама читаются.", userTokenNo: "Токена пользователя нет: охват и VK Реклама не читаются.",
    connected: "Сообщество подключено, прочитано постов: {posts}.", incomplete: "Сообщество подключено, но синхронизация не закончилась; она продолжится сама.",
    lastProblem: "Последняя синхронизация не удалась. Посты, прочитанные раньше, сохранены; следующая синхронизация продолжит.",
    badGroup: "Укажите сообщество числом (123456) или адресом вида club123456. Короткий адрес (vk.com/name) здесь не подходит: номер есть в «Управление → Адрес».",
    "err.groupId": "ВКонтакте не знает такого сообщества: проверьте номер.",
    "err.accessToken": "Ключ доступа не подходит. Проверьте, что он скопирован целиком.",
    "err.accessToken@5": "ВКонтакте не принял ключ доступа сообщества: он неверный или отозван. Создайте новый ключ и вставьте его.",
    "err.accessToken@15": "У ключа доступа нет нужных прав. Создайте ключ с правами «управление сообществом» и «стена».",
    "err.accessToken@30": "У ключа доступа нет нужных прав. Создайте ключ с правами «управление сообществом» и «стена».",
    "err.groupId@100": "ВКонтакте не принял номер сообщества: проверьте его.",
    "err.userToken": "Токен пользователя не подходит.",
    "err.userToken@5": "ВКонтакте не принял токен пользователя: он неверный или истёк. Получите новый.",
    "err.userToken@15": "У токена пользователя нет права «статистика» или он не администратор сообщества.",
    "err.userToken@30": "Статистика сообщества закрыта для этого пользователя: нужен токен администратора с правом «статистика».",
    "err.503": "ВКонтакте сейчас недоступен. Ничего не изменено — попробуйте через несколько минут.",
  },
  en: {
    title: "VK connection", notConnected: "No community is connected yet.",
    groupId: "Community: its number or address (e.g. 123456, club123456 or https://vk.com/club123456)",
    accessToken: "Community access key (Manage → API usage → Access keys; rights: manage, wall)",
    userToken: "Token of an administrator user with the stats and ads rights (optional: for reach and VK Ads)",
    connect: "Connect", reconnect: "Connect again",
    tokensHidden: "Keys are stored encrypted and never shown again. To replace a key, connect the community again.",
    verified: "✔ The community is verified by VK", notVerified: "The community is not verified",
    connectedAt: "Connected: {at}", syncedAt: "Last sync: {at}", neverSynced: "Not synced yet",
    userTokenYes: "A user token is set: post reach and VK Ads are read.", userTokenNo: "No user token: reach and VK Ads are not read.",
    connected: "The community is connected; posts read: {posts}.", incomplete: "The community is connected, but the sync did not finish; it will go on by itself.",
    lastProblem: "The last sync failed. Posts read before are kept; the next sync goes on.",
    badGroup: "Give the community as a number (123456) or an address like club123456. A short name (vk.com/name) does not work here: the number is under Manage → Address.",
    "err.groupId": "VK knows no such community: check the number.",
    "err.accessToken": "The access key does not work. Check that it was copied whole.",
    "err.accessToken@5": "VK did not accept the community access key: it is wrong or revoked. Create a new key and paste it.",
    "err.accessToken@15": "The access key lacks the rights needed. Create a key with the manage and wall rights.",
    "err.accessToken@30": "The access key lacks the rights needed. Create a key with the manage and wall rights.",
    "err.groupId@100": "VK did not accept the community number: check it.",
    "err.userToken": "The user token does not work.",
    "err.userToken@5": "VK did not accept the user token: it is wrong or expired. Get a new one.",
    "err.userToken@15": "The user token lacks the stats right, or its user is not an administrator of the community.",
    "err.userToken@30": "The community's stats are closed to this user: use an administrator's token with the stats right.",
    "err.503": "VK is unavailable right now. Nothing was changed — try again in a few minutes.",
  },
};

/** "123", "club123", "public123", "-123", "https://vk.com/club123" → 123. */
export function communityId(text: string): number | null {
  const match = /^(?:https?:\/\/)?(?:m\.)?(?:vk\.com\/)?(?:club|public|event)?-?(\d{1,12})\/?$/i.exec(text.trim());
  return match ? Number(match[1]) : null;
}

export function connectionErrors(ctx: Ctx): Record<string, string> {
  const keys = ["groupId@100", "accessToken@5", "accessToken@15", "accessToken@30", "userToken@5", "userToken@15", "userToken@30", "groupId", "accessToken", "userToken"];
  return { ...Object.fromEntries(keys.map((k) => [k, ctx.t(`err.${k}`)])), "@503": ctx.t("err.503") };
}

function card(ctx: Ctx, c: Connection): HTMLElement {
  const { t, format } = ctx;
  return el("section", { class: "card", "data-testid": "community" },
    el("div", { class: "community" },
      c.photo ? el("img", { src: c.photo, alt: "", "data-testid": "community-photo", referrerpolicy: "no-referrer" }) : null,
      el("div", {},
        el("h2", { "data-testid": "community-name" }, c.name),
        c.screenName ? el("div", { class: "muted", "data-testid": "community-screen-name" }, `vk.com/${c.screenName}`) : null,
        el("div", { "data-testid": "community-verified", "data-verified": c.verified }, c.verified ? t("verified") : t("notVerified")))),
    el("p", {}, t("connectedAt", { at: format.dateTime(c.connectedAt) }), el("br"), c.syncedAt ? t("syncedAt", { at: format.dateTime(c.syncedAt) }) : t("neverSynced")),
    el("p", { class: "muted" }, c.userToken ? t("userTokenYes") : t("userTokenNo")),
    c.lastProblem ? ctx.error(new ApiError(0, "sync", c.lastProblem), { "@0": t("lastProblem") }) : null,
    el("p", { class: "muted" }, t("tokensHidden")));
}

async function render(ctx: Ctx): Promise<void> {
  const { t, api } = ctx;
  const shown = el("div");
  let connection: Connection | null = null;
  try {
    connection = await api.get<Connection>("vk");
    fill(shown, card(ctx, connection));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    fill(shown, el("p", { class: "card", "data-testid": "not-connected" }, t("notConnected")));
  }
  const groupId = el("input", { name: "groupId", required: true, inputmode: "numeric", "data-testid": "vk-group", value: connection ? String(connection.groupId) : "" });
  const accessToken = el("input", { name: "accessToken", type: "password", required: true, autocomplete: "off", "data-testid": "vk-token" });
  const userToken = el("input", { name: "userToken", type: "password", autocomplete: "off", "data-testid": "vk-user-token" });
  const result = el("div", { "data-testid": "connect-result" });
  const submit = el("button", { type: "submit", "data-testid": "vk-connect" }, connection ? t("reconnect") : t("connect"));
  const form = el("form", { class: "card", onsubmit: async (event: Event) => {
    event.preventDefault();
    fill(result);
    const id = communityId(groupId.value);
    if (id === null) { result.append(ctx.error(new ApiError(400, "groupId", ""), { "@400": t("badGroup") })); return; }
    submit.disabled = true;
    try {
      const answer = await api.put<Connection>("vk", { groupId: id, accessToken: accessToken.value.trim(), userToken: userToken.value.trim() || undefined });
      // The keys leave the page: they are never shown again.
      accessToken.value = userToken.value = "";
      fill(shown, card(ctx, answer));
      result.append(ctx.notice(answer.sync?.status === "synced" ? t("connected", { posts: ctx.format.number(answer.sync.posts) }) : t("incomplete")));
    } catch (error) {
      result.append(ctx.error(error, connectionErrors(ctx)));
    } finally {
      submit.disabled = false;
    }
  } },
    el("label", {}, t("groupId"), groupId), el("label", {}, t("accessToken"), accessToken), el("label", {}, t("userToken"), userToken), submit, result);
  ctx.root.append(el("h1", {}, t("title")), shown, form);
}

const page: Page = { route: "/vk/connect", order: 1, nav: { ru: "Подключение", en: "Connection" }, manager: true, messages, render };
export default page;
