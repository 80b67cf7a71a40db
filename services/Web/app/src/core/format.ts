import { type Lang, locale } from "./i18n";

export interface Format {
  /** Integer minor units of a currency, shown in major units with the currency's own decimals. */
  money(minor: number, currency: string): string;
  /** The major-unit amount as a plain decimal string, for inputs (e.g. 1234.50). */
  major(minor: number, currency: string): string;
  /** A major-unit amount a person typed ("1 234,50" or "1234.5") as minor units, or null when it is not one. */
  parseMajor(text: string, currency: string): number | null;
  decimals(currency: string): number;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  number(value: number | null | undefined): string;
  percent(fraction: number | null | undefined): string;
}

export function formatter(lang: Lang, timeZone: string): Format {
  const loc = locale(lang);
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  const moneyFormat = (currency: string) => {
    let format = moneyFormats.get(currency);
    if (!format) moneyFormats.set(currency, (format = new Intl.NumberFormat(loc, { style: "currency", currency })));
    return format;
  };
  const decimals = (currency: string) => moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
  // Minor units become a decimal string, so no amount ever passes through a binary fraction.
  const major = (minor: number, currency: string) => {
    const d = decimals(currency);
    const digits = Math.abs(Math.trunc(minor)).toString().padStart(d + 1, "0");
    const text = d === 0 ? digits : `${digits.slice(0, -d)}.${digits.slice(-d)}`;
    return (minor < 0 ? "-" : "") + text;
  };
  const dateFormat = new Intl.DateTimeFormat(loc, { dateStyle: "medium" });
  const dateTimeFormat = new Intl.DateTimeFormat(loc, { dateStyle: "medium", timeStyle: "short", timeZone });
  const numberFormat = new Intl.NumberFormat(loc);
  const percentFormat = new Intl.NumberFormat(loc, { style: "percent", maximumFractionDigits: 1 });
  return {
    money: (minor, currency) => moneyFormat(currency).format(major(minor, currency) as unknown as number),
    major,
    parseMajor: (text, currency) => {
      const d = decimals(currency);
      const match = /^(\d{1,15})(?:[.,](\d+))?$/.exec(text.replace(/[\s\u00a0]/g, ""));
      if (!match || (match[2] ?? "").length > d) return null;
      return Number(match[1]) * 10 ** d + Number((match[2] ?? "").padEnd(d, "0") || "0");
    },
    decimals,
    date: (iso) => (iso ? dateFormat.format(new Date(iso)) : "—"),
    dateTime: (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : "—"),
    number: (value) => (value === null || value === undefined ? "—" : numberFormat.format(value)),
    percent: (fraction) => (fraction === null || fraction === undefined ? "—" : percentFormat.format(fraction)),
  };
}
