import type { Locale } from './locale.js';

/** A catalogue: message key → text with `{name}` placeholders. */
export type Catalogue = Readonly<Record<string, string>>;

/** The same keys in every language, checked by the compiler. */
export type Catalogues<C extends Catalogue> = Readonly<
  Record<Locale, Readonly<Record<keyof C, string>>>
>;

export type Params = Readonly<Record<string, string | number>>;

/**
 * Looks messages up in one language. Placeholders take the values as plain text: the views render
 * every string as text, never as HTML.
 */
export class Translator<C extends Catalogue> {
  readonly locale: Locale;
  readonly #messages: Readonly<Record<keyof C, string>>;
  readonly #relative: Intl.RelativeTimeFormat;
  readonly #time: Intl.DateTimeFormat;
  readonly #dateTime: Intl.DateTimeFormat;

  constructor(locale: Locale, catalogues: Catalogues<C>) {
    this.locale = locale;
    this.#messages = catalogues[locale];
    this.#relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    this.#time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
    this.#dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  }

  t(key: keyof C & string, params?: Params): string {
    const text = this.#messages[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  }

  /** "in 9 days", "in 3 hours", "in 5 minutes": the largest unit that is at least one. */
  relative(ms: number): string {
    const minutes = Math.max(0, Math.round(ms / 60_000));
    if (minutes >= 60 * 24) return this.#relative.format(Math.round(minutes / (60 * 24)), 'day');
    if (minutes >= 60) return this.#relative.format(Math.round(minutes / 60), 'hour');
    return this.#relative.format(Math.max(1, minutes), 'minute');
  }

  time(at: number): string {
    return this.#time.format(at);
  }

  dateTime(at: number): string {
    return this.#dateTime.format(at);
  }
}
