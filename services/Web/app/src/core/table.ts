import type { Api, Query } from "./api";
import { type Child, el, fill } from "./dom";
import type { Translate } from "./i18n";

export interface Column<T> {
  title: string;
  /** What the column sorts by (numbers sort as numbers). */
  value: (row: T) => string | number | null | undefined;
  /** What the cell shows (text); the value as text when omitted. */
  cell?: (row: T) => Child;
  numeric?: boolean;
  testid?: string;
}

export interface TableSpec<T> {
  columns: Column<T>[];
  rows: T[];
  testid?: string;
  rowTestId?: (row: T) => string;
  /** The same report as a file: links fetch `path` with `format=csv` / `format=xlsx` and the key in the header. */
  downloads?: { path: string; query?: Query; name: string; formats?: ("csv" | "xlsx")[] };
  empty?: string;
  /** Rows drawn before a "show all" button (a year of days by post is thousands); the downloads always hold every row. */
  limit?: number;
}

export function table<T>(spec: TableSpec<T>, api: Api, t: Translate, showError: (e: unknown) => HTMLElement): HTMLElement {
  let sortBy = -1;
  let descending = false;
  let limit = spec.limit ?? 300;
  const body = el("tbody");
  const head = el("tr");
  const draw = () => {
    const rows = [...spec.rows];
    if (sortBy >= 0) {
      const value = spec.columns[sortBy]!.value;
      rows.sort((a, b) => {
        const x = value(a), y = value(b);
        const order = x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1
          : typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return descending ? -order : order;
      });
    }
    fill(body, ...rows.slice(0, limit).map((row) => el("tr", { "data-testid": spec.rowTestId?.(row) },
      ...spec.columns.map((c) => el("td", { class: c.numeric ? "num" : undefined, "data-testid": c.testid },
        c.cell ? c.cell(row) : String(c.value(row) ?? "—"))))));
    if (rows.length > limit) body.append(el("tr", {}, el("td", { colspan: spec.columns.length, class: "empty" },
      el("button", { type: "button", class: "link", "data-testid": "show-all", onclick: () => { limit = Infinity; draw(); } }, t("common.showAll", { count: rows.length })))));
    if (rows.length === 0) body.append(el("tr", {}, el("td", { colspan: spec.columns.length, class: "empty" }, spec.empty ?? t("common.empty"))));
    fill(head, ...spec.columns.map((c, i) => el("th", { class: c.numeric ? "num" : undefined, "aria-sort": i === sortBy ? (descending ? "descending" : "ascending") : undefined },
      el("button", { type: "button", class: "sort", "data-testid": c.testid ? `sort-${c.testid}` : undefined, onclick: () => {
        descending = sortBy === i ? !descending : c.numeric === true;
        sortBy = i;
        draw();
      } }, c.title, i === sortBy ? (descending ? " ▼" : " ▲") : ""))));
  };
  draw();
  const box = el("div", { class: "table" });
  if (spec.downloads) {
    const d = spec.downloads;
    const status = el("span");
    box.append(el("div", { class: "downloads" }, ...(d.formats ?? ["csv"]).map((format) =>
      el("button", { type: "button", class: "link", "data-testid": `download-${format}`, onclick: async () => {
        try {
          status.replaceChildren();
          const blob = await api.blob(d.path, { ...d.query, format });
          const link = el("a", { href: URL.createObjectURL(blob), download: `${d.name}.${format}` });
          document.body.append(link);
          link.click();
          link.remove();
        } catch (error) {
          status.replaceChildren(showError(error));
        }
      } }, t(`common.download.${format}`))), status));
  }
  box.append(el("div", { class: "scroll" }, el("table", { "data-testid": spec.testid }, el("thead", {}, head), body)));
  return box;
}
