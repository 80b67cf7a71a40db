// Russian first, English on request; a screen is drawn in one language only.
export type Lang = "ru" | "en";
export type Texts = Record<string, string>;
export interface Messages { ru: Texts; en: Texts }
export type Translate = (key: string, values?: Record<string, string | number>) => string;

const stored = "donations.lang";

export function currentLang(): Lang {
  return localStorage.getItem(stored) === "en" ? "en" : "ru";
}

export function setLang(lang: Lang): void {
  localStorage.setItem(stored, lang);
  document.documentElement.lang = lang;
}

export function locale(lang: Lang): string {
  return lang === "ru" ? "ru-RU" : "en-GB";
}

/** Looks a key up in the given message sets, first match wins; {name} placeholders are filled in. */
export function translator(lang: Lang, ...sets: Messages[]): Translate {
  return (key, values) => {
    let text = sets.map((set) => set[lang][key]).find((t) => t !== undefined) ?? key;
    for (const [name, value] of Object.entries(values ?? {})) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  };
}
