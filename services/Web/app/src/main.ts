import "./styles.css";
import { ApiError, apiClient, whoIs } from "./core/api";
import { chart } from "./core/chart";
import { el, fill } from "./core/dom";
import { errorBox } from "./core/errors";
import { formatter } from "./core/format";
import { currentLang, setLang, translator } from "./core/i18n";
import { common } from "./core/messages";
import { clearSession, loadSession, saveSession, type Session } from "./core/session";
import { table } from "./core/table";
import * as registry from "./pages";
import type { Ctx, Page } from "./pages/page";

// The shell: sign-in, the header with language and sign-out, the navigation from the page registry, the hash router.
const root = document.getElementById("app")!;
const areas = ["reports", "vk", "setup"];
const pages: Page[] = (Object.values(registry) as Page[]).sort((a, b) =>
  (areas.indexOf(areaOf(a)) + 1 || 99) - (areas.indexOf(areaOf(b)) + 1 || 99) || (a.order ?? 100) - (b.order ?? 100) || a.route.localeCompare(b.route));
let signInMessage = "";

function areaOf(page: Page): string {
  return page.route.split("/")[1] ?? "";
}

function match(route: string, path: string): Record<string, string> | null {
  const want = route.split("/"), got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(":")) params[want[i]!.slice(1)] = decodeURIComponent(got[i]!);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

function visible(session: Session): Page[] {
  return pages.filter((p) => !p.manager || session.role === "manager");
}

function signOut(messageKey = ""): void {
  clearSession();
  signInMessage = messageKey;
  history.replaceState(null, "", location.pathname);
  draw();
}

function header(session: Session | null): HTMLElement {
  const lang = currentLang();
  const t = translator(lang, common);
  return el("header", {},
    el("strong", { class: "brand" }, t("common.app")),
    session ? el("span", { class: "ngo", "data-testid": "ngo-name" }, session.name, el("small", { "data-testid": "role" }, ` · ${t(`common.role.${session.role}`)}`)) : null,
    el("span", { class: "spacer" }),
    el("button", { type: "button", class: "link", "data-testid": "language", lang: lang === "ru" ? "en" : "ru", onclick: () => {
      setLang(lang === "ru" ? "en" : "ru");
      draw();
    } }, t("common.language")),
    session ? el("button", { type: "button", class: "link", "data-testid": "sign-out", onclick: () => signOut() }, t("common.signOut")) : null);
}

function signInScreen(): HTMLElement {
  const t = translator(currentLang(), common);
  const message = el("div", { "data-testid": "sign-in-error" });
  if (signInMessage) message.append(el("div", { class: "error", role: "alert" }, el("p", {}, t(signInMessage))));
  const ngo = el("input", { name: "ngo", required: true, autocomplete: "username", "data-testid": "ngo-id" });
  const key = el("input", { name: "key", type: "password", required: true, autocomplete: "current-password", "data-testid": "key" });
  const form = el("form", { class: "card sign-in", onsubmit: async (event: Event) => {
    event.preventDefault();
    fill(message);
    try {
      const who = await whoIs(ngo.value.trim(), key.value.trim());
      saveSession({ ngo: who.ngoId, name: who.name, role: who.role, key: key.value.trim(), timeZone: who.timeZone });
      signInMessage = "";
      draw();
    } catch (error) {
      message.append(error instanceof ApiError && (error.status === 401 || error.status === 403)
        ? el("div", { class: "error", role: "alert" }, el("p", {}, t("common.signIn.wrong")))
        : errorBox(error, t, currentLang()));
    }
  } },
    el("h1", {}, t("common.signIn")),
    el("p", { class: "muted" }, t("common.tagline")),
    el("label", {}, t("common.signIn.ngo"), ngo),
    el("label", {}, t("common.signIn.key"), key),
    el("button", { type: "submit", "data-testid": "sign-in" }, t("common.signIn.submit")),
    el("p", { class: "muted" }, t("common.signIn.hint")),
    message);
  return el("main", { class: "centre" }, form);
}

function navigation(session: Session, current: Page | undefined): HTMLElement {
  const t = translator(currentLang(), common);
  const lang = currentLang();
  const areas = new Map<string, Page[]>();
  for (const page of visible(session).filter((p) => p.nav)) areas.set(areaOf(page), [...(areas.get(areaOf(page)) ?? []), page]);
  return el("nav", { "data-testid": "nav" }, ...[...areas].map(([area, list]) => el("div", { class: "area" },
    el("h2", {}, t(`common.area.${area}`)),
    ...list.map((page) => el("a", { href: `#${page.route}`, "aria-current": page === current ? "page" : undefined, "data-testid": `nav-${page.route.slice(1).replaceAll("/", "-")}` }, page.nav![lang])))));
}

let drawn = 0;

async function draw(): Promise<void> {
  const ticket = ++drawn;
  const session = loadSession();
  const lang = currentLang();
  document.documentElement.lang = lang;
  delete document.body.dataset.ready;
  if (!session) {
    fill(root, header(null), signInScreen());
    document.body.dataset.ready = "sign-in";
    return;
  }
  const path = location.hash.replace(/^#/, "") || visible(session)[0]?.route || "/";
  let params: Record<string, string> = {};
  const page = pages.find((p) => {
    const found = match(p.route, path);
    if (found) params = found;
    return found !== null;
  });
  const content = el("main", { class: "page", "data-testid": "page", "data-route": page?.route ?? "" });
  fill(root, header(session), el("div", { class: "layout" }, navigation(session, page), content));
  const t = translator(lang, page?.messages ?? { ru: {}, en: {} }, common);
  if (!page) { content.append(el("p", {}, t("common.notFound"))); document.body.dataset.ready = "true"; return; }
  if (page.manager && session.role !== "manager") { content.append(el("p", {}, t("common.managerOnly"))); document.body.dataset.ready = "true"; return; }
  const api = apiClient(session.ngo, session.key, () => signOut("common.signedOut"));
  const showError = (error: unknown, fields?: Record<string, string>) => errorBox(error, t, lang, fields);
  const format = formatter(lang, session.timeZone);
  const ctx: Ctx = {
    ngo: session.ngo, ngoName: session.name, role: session.role, timeZone: session.timeZone, lang, root: content, params, t, api, format,
    table: (spec) => table(spec, api, t, showError),
    chart,
    error: showError,
    notice: (text) => el("p", { class: "notice", role: "status", "data-testid": "notice" }, text),
    navigate: (route) => { location.hash = `#${route}`; },
    refresh: () => void draw(),
  };
  try {
    await page.render(ctx);
  } catch (error) {
    if (ticket === drawn) content.append(showError(error));
  }
  if (ticket === drawn) document.body.dataset.ready = "true";
}

window.addEventListener("hashchange", () => void draw());
void draw();
