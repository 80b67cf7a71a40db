import { el, fill } from "../../core/dom";
import type { Ctx } from "../page";

// What the setup pages' forms share: a labelled field, and one place under the form where its problem is shown.

export function field(label: string, input: HTMLElement): HTMLLabelElement {
  return el("label", {}, label, input);
}

/** Runs a form's action; a problem is shown in `slot` (naming the field's own message when the problem names it), success as a notice. */
export async function submit(ctx: Ctx, slot: HTMLElement, action: () => Promise<void>, fields: Record<string, string> = {}, done?: string): Promise<boolean> {
  fill(slot);
  try {
    await action();
    if (done) slot.append(ctx.notice(done));
    return true;
  } catch (error) {
    slot.append(ctx.error(error, fields));
    return false;
  }
}

/** Calls `tick` every `ms` while the page is on screen; stops once the person leaves it. */
export function whileShown(ctx: Ctx, ms: number, tick: () => Promise<boolean | void>): void {
  const timer = window.setInterval(async () => {
    if (!ctx.root.isConnected) { window.clearInterval(timer); return; }
    if ((await tick()) === false) window.clearInterval(timer);
  }, ms);
}

/** Copies text to the clipboard; the button says it worked. */
export function copyButton(ctx: Ctx, text: string, testid: string): HTMLButtonElement {
  const button = el("button", { type: "button", class: "secondary", "data-testid": testid, "data-copy": text }, ctx.t("copy"));
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(text);
    button.textContent = ctx.t("copied");
  });
  return button;
}

/** A date-time input's value (local time) as ISO 8601 with the offset, or null when empty. */
export function isoFromLocal(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

/** An ISO time as a datetime-local input's value, in the browser's time zone. */
export function localFromIso(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
