/** The languages Knock speaks, and which of them are written right to left. */
export const LOCALES = ['en', 'es', 'ar', 'he'] as const;
export type Locale = (typeof LOCALES)[number];
const RTL: ReadonlySet<Locale> = new Set(['ar', 'he']);

/** The first of the browser's languages Knock speaks ("es-MX" → es), else English. */
export function pickLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    const found = LOCALES.find((locale) => locale === base);
    if (found) return found;
  }
  return 'en';
}

export function directionOf(locale: Locale): 'ltr' | 'rtl' {
  return RTL.has(locale) ? 'rtl' : 'ltr';
}
