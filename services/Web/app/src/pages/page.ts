import type { Api } from "../core/api";
import type { Child } from "../core/dom";
import type { Format } from "../core/format";
import type { Lang, Messages, Translate } from "../core/i18n";
import type { Role } from "../core/session";
import type { ChartSpec } from "../core/chart";
import type { TableSpec } from "../core/table";

/** One page of the app: a module under src/pages/<area>/<name>.ts, registered by one line in src/pages/index.ts. */
export interface Page {
  /** The hash route, e.g. "/reports/summary"; ":name" segments become ctx.params. */
  route: string;
  /** The title in the navigation (omit for pages reached only by a link). */
  nav?: { ru: string; en: string };
  /** The page's own texts, in both languages with the same keys. */
  messages: Messages;
  /** Place in its area's navigation (smaller first; default 100). */
  order?: number;
  /** True for management pages: a viewer key does not see them. */
  manager?: boolean;
  render(ctx: Ctx): Promise<void> | void;
}

export interface Ctx {
  ngo: string;
  ngoName: string;
  role: Role;
  /** The NGO's time zone (IANA): reports' days, and the moments shown, are in it. */
  timeZone: string;
  lang: Lang;
  /** The page's container, empty when render starts. */
  root: HTMLElement;
  params: Record<string, string>;
  /** The page's messages, then the app's common ones ("common.*"). */
  t: Translate;
  api: Api;
  format: Format;
  /** A sortable table; with spec.downloads, CSV/XLSX links for the same report. */
  table<T>(spec: TableSpec<T>): HTMLElement;
  /** A Chart.js chart in a box of its own. */
  chart(spec: ChartSpec): HTMLElement;
  /** What failed, in the screen's language; the page stays (only a 401 signs out). */
  error(error: unknown, fields?: Record<string, string>): HTMLElement;
  /** A line saying something worked. */
  notice(text: Child): HTMLElement;
  navigate(route: string): void;
  /** Draws the page again (after a change). */
  refresh(): void;
}
