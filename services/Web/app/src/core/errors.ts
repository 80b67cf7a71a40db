import { ApiError } from "./api";
import { el } from "./dom";
import type { Translate } from "./i18n";

/**
 * What failed, for a person. The server's problems are written in English: a Russian screen says what failed in
 * Russian (by status, and by the field the page names) and keeps the server's words folded away under "details".
 * `fields` maps "field@vkError", "field" or "@status" to the page's own message.
 */
export function errorBox(error: unknown, t: Translate, lang: string, fields: Record<string, string> = {}): HTMLElement {
  const api = error instanceof ApiError ? error : new ApiError(-1, "error", String(error));
  // Most specific first: "field@vkError" (VK's error code for that field), the field the problem names, then a field quoted in its text.
  const named = api.problem.field as string | undefined;
  const field = [`${named}@${api.problem.vkError}`, named].find((k) => k !== undefined && k in fields)
    ?? Object.keys(fields).find((name) => !name.includes("@") && api.detail.includes(`'${name}'`))
    ?? (`@${api.status}` in fields ? `@${api.status}` : undefined);
  const headline =
    field !== undefined ? fields[field]!
    : api.status === 0 ? t("common.error.network")
    : t(`common.error.${api.status}`) !== `common.error.${api.status}` ? t(`common.error.${api.status}`)
    : t("common.error.other", { status: api.status });
  const box = el("div", { class: "error", role: "alert", "data-testid": "error", "data-status": api.status }, el("p", {}, headline));
  if (api.detail) {
    if (lang === "en") box.append(el("p", { class: "detail", "data-testid": "error-detail" }, api.detail));
    else box.append(el("details", {}, el("summary", {}, t("common.error.details")), el("p", { class: "detail", lang: "en", "data-testid": "error-detail" }, api.detail)));
  }
  return box;
}
