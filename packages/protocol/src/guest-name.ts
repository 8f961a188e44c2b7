import { FORBIDDEN_IN_NAMES } from './names.js';

/**
 * The longest guest display name, in code points after normalisation. Forty holds nearly every
 * real full name (most are under 30) while keeping a chat header or message line predictable:
 * the "(Guest)" badge must always fit beside the name and must never be pushed off screen by it.
 * It is shorter than an account's display name (MAX_DISPLAY_NAME_LENGTH) because nobody vouches
 * for a guest.
 */
export const MAX_GUEST_NAME_LENGTH = 40;

export type GuestNameRefusal =
  'empty' | 'too_long' | 'forbidden_character' | 'impersonates_host' | 'reserved';

/**
 * Input longer than this many UTF-16 code units is refused before any normalisation. Four times
 * the limit leaves room for surrogate pairs (emoji), decomposed accents and runs of spaces that
 * collapse, while bounding the work a hostile sender can cause (NFKC expands one code point into
 * at most 18).
 */
const MAX_INPUT_UNITS = MAX_GUEST_NAME_LENGTH * 4;

/** Non-spacing and enclosing marks allowed on one base character; more is "Zalgo" text. */
const MAX_MARKS_PER_BASE = 3;

/** Variation selectors allowed on one base character (one picks emoji or text presentation). */
const MAX_VARIATION_SELECTORS_PER_BASE = 1;

/**
 * What guest names refuse on top of FORBIDDEN_IN_NAMES: every control, format (which covers the
 * remaining bidi marks, soft hyphen and the tag characters U+E0001, U+E0020–E007F), private-use
 * and lone-surrogate code point, line and paragraph separators, the noncharacters U+FDD0–FDEF
 * (the other noncharacters, U+xxFFFE and U+xxFFFF, are checked by code point), the braille blank
 * and the object replacement character (both render as blank or as a box). Unassigned code points
 * are not refused: a guest on a newer Unicode version than the host (a new emoji) would otherwise
 * send a name the host refuses.
 */
const FORBIDDEN_IN_GUEST_NAMES = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}\u2800\ufffc\ufdd0-\ufdef]/u;

/**
 * Default-ignorable code points render as nothing (zero-width characters, Hangul fillers, the
 * whole tag block U+E0000–E0FFF, the combining grapheme joiner). Variation selectors are among
 * them but are allowed, one per character, so "❤️" keeps its emoji presentation.
 */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
const VARIATION_SELECTOR = /[\u180b-\u180d\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;
const STACKING_MARK = /[\p{Mn}\p{Me}]/u;
const SPACING_MARK = /\p{Mc}/u;
const SPACE = ' ';
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Brackets a name might use to fake a badge: "Alice (Guest)", "Alice [Host]", "Alice ‹Admin›". */
const BRACKET = /[\p{Ps}\p{Pe}\p{Pi}\p{Pf}<>]/u;

/**
 * Whole names that would pass for the service, its staff or a badge. Compared by skeleton, so
 * "ＡＤＭＩＮ", "Аdmin" (Cyrillic А) and "Knock  Support" are reserved too.
 */
const RESERVED_NAMES = [
  'Knock',
  'Knock Support',
  'Knock Team',
  'Knock Security',
  'Support',
  'Admin',
  'Administrator',
  'Moderator',
  'System',
  'Host',
  'Owner',
  'You',
  'Guest',
  'Not registered',
  'Unregistered',
  'Verified',
];

/** Words that, inside brackets anywhere in a name, would imitate a badge the UI draws. */
const BADGE_WORDS = [...RESERVED_NAMES, 'Registered', 'Staff', 'Official'];

/**
 * Look-alikes of Latin capitals, mapped before case folding (Greek Η looks like H, but its lower
 * case η looks like n, so each case needs its own entry).
 */
const UPPER_LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Greek
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  // Cyrillic
  А: 'A',
  В: 'B',
  Е: 'E',
  З: '3',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  Ѕ: 'S',
  І: 'I',
  Ј: 'J',
  Ԛ: 'Q',
  Ԝ: 'W',
  Ӏ: 'I',
};

/**
 * Look-alikes of Latin small letters and digits, mapped after case folding. Letters that are easy
 * to mistake for each other in common fonts share one bucket (i, l, 1, |; o, 0), which can only
 * make the host comparison stricter.
 */
const LOWER_LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Latin and digits
  i: 'l',
  ı: 'l',
  '1': 'l',
  '|': 'l',
  '0': 'o',
  ɑ: 'a',
  ɡ: 'g',
  // Greek
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  η: 'n',
  ι: 'l',
  κ: 'k',
  μ: 'u',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  σ: 'o',
  ς: 'c',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  // Cyrillic
  а: 'a',
  в: 'b',
  г: 'r',
  е: 'e',
  з: '3',
  и: 'u',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  п: 'n',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ь: 'b',
  ѕ: 's',
  і: 'l',
  ј: 'j',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
};

function mapEach(text: string, table: Readonly<Record<string, string>>): string {
  let out = '';
  for (const char of text) out += table[char] ?? char;
  return out;
}

/**
 * A confusable-insensitive comparison key: compatibility-decomposed, case-folded, stripped of
 * marks, look-alikes mapped to Latin, and everything but letters and digits removed. Two names
 * with the same skeleton could be mistaken for each other at a glance. Deliberately small: a
 * handful of Latin, Greek and Cyrillic look-alikes, not the full Unicode confusables table.
 */
function skeleton(text: string): string {
  const upperMapped = mapEach(text.normalize('NFKD'), UPPER_LOOK_ALIKES);
  // Upper- then lower-casing approximates full case folding ("ß" becomes "ss").
  const folded = upperMapped.toUpperCase().toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
  return mapEach(folded, LOWER_LOOK_ALIKES)
    .replace(/[^\p{L}\p{N}]/gu, '')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}

const RESERVED_SKELETONS = new Set(RESERVED_NAMES.map(skeleton));
const BADGE_SKELETONS = new Set(BADGE_WORDS.map(skeleton));

function isForbidden(char: string): boolean {
  if (VARIATION_SELECTOR.test(char)) return false;
  return (
    FORBIDDEN_IN_NAMES.test(char) ||
    FORBIDDEN_IN_GUEST_NAMES.test(char) ||
    INVISIBLE.test(char) ||
    ((char.codePointAt(0) ?? 0) & 0xfffe) === 0xfffe
  );
}

/**
 * Every mark needs a base that is not a space; at most MAX_MARKS_PER_BASE stacking marks and
 * MAX_VARIATION_SELECTORS_PER_BASE variation selectors may sit on one base. Marks are counted in
 * the decomposed form, so a precomposed "Ś" followed by three more accents is four.
 */
function marksAreWellFormed(name: string): boolean {
  let hasBase = false;
  let marks = 0;
  let selectors = 0;
  for (const char of name.normalize('NFD')) {
    if (VARIATION_SELECTOR.test(char)) {
      selectors += 1;
      if (!hasBase || selectors > MAX_VARIATION_SELECTORS_PER_BASE) return false;
    } else if (STACKING_MARK.test(char)) {
      marks += 1;
      if (!hasBase || marks > MAX_MARKS_PER_BASE) return false;
    } else if (SPACING_MARK.test(char)) {
      if (!hasBase) return false;
    } else {
      hasBase = char !== SPACE;
      marks = 0;
      selectors = 0;
    }
  }
  return true;
}

/** True when a bracketed part of the name ("Alice (Guest)", "Bob [Admin") imitates a badge. */
function imitatesBadge(name: string): boolean {
  if (!BRACKET.test(name)) return false;
  return name.split(new RegExp(BRACKET.source, 'gu')).some((part) => {
    const key = skeleton(part);
    return key.length > 0 && BADGE_SKELETONS.has(key);
  });
}

/**
 * Normalises and checks a guest's display name. The guest's client calls it before sending and
 * the host's client calls it again on every name it receives: the sender is never trusted.
 *
 * - Input over 4 × MAX_GUEST_NAME_LENGTH UTF-16 units is `too_long` before any other work.
 * - NFKC, not NFC: compatibility variants (fullwidth "Ａｌｉｃｅ", mathematical "𝐀𝐥𝐢𝐜𝐞",
 *   ligatures, superscripts) only serve to disguise a name, so they become their plain forms.
 *   Names in ordinary use in any script are unchanged by it.
 * - Control, format, private-use, invisible (zero-width, bidi, BOM, tag) characters, line and
 *   paragraph separators, marks without a base, more than 3 stacked marks or more than one
 *   variation selector on a character: `forbidden_character`. Zero-width joiners are format
 *   characters, so multi-person emoji sequences are refused; single emoji, skin tones, flags and
 *   keycaps are allowed ("🙂 Sam"). Tabs and newlines are controls, so they are refused rather
 *   than collapsed, and so is the zero-width non-joiner some Persian spellings use.
 * - Runs of space separators become one ASCII space; the result is trimmed.
 * - Nothing left, or no letter or digit in any script ("...", "🙂", "🇳🇴", "—"): `empty`, since
 *   there is no name to read. Emoji are welcome beside a name, not instead of one.
 * - Over MAX_GUEST_NAME_LENGTH code points: `too_long`.
 * - Same skeleton as one of `hostNames` (case, accents, spacing, punctuation, fullwidth forms and
 *   common Latin/Greek/Cyrillic look-alikes ignored): `impersonates_host`.
 * - The skeleton of a service or badge name (Knock, Admin, System, Guest…), or a bracketed badge
 *   anywhere ("Sam (Guest)", "Sam [Host]"): `reserved`.
 *
 * The result is plain text. "<img src=x onerror=alert(1)>" is a valid name and comes back as is;
 * every UI must render it as text (never as HTML) and draw the badge from guestLabel outside it.
 */
export function normaliseGuestName(
  input: string,
  options?: { hostNames?: readonly string[] },
): { ok: true; name: string } | { ok: false; reason: GuestNameRefusal } {
  if (input.length > MAX_INPUT_UNITS) return { ok: false, reason: 'too_long' };
  const normalised = input.normalize('NFKC');
  for (const char of normalised) {
    if (isForbidden(char)) return { ok: false, reason: 'forbidden_character' };
  }
  const name = normalised.replace(/\p{Zs}+/gu, SPACE).trim();
  if (!marksAreWellFormed(name)) return { ok: false, reason: 'forbidden_character' };
  if (!LETTER_OR_DIGIT.test(name)) return { ok: false, reason: 'empty' };
  if ([...name].length > MAX_GUEST_NAME_LENGTH) return { ok: false, reason: 'too_long' };

  const key = skeleton(name);
  for (const hostName of options?.hostNames ?? []) {
    const hostKey = skeleton(hostName);
    if (hostKey.length > 0 && hostKey === key) return { ok: false, reason: 'impersonates_host' };
  }
  if (RESERVED_SKELETONS.has(key) || imitatesBadge(name)) return { ok: false, reason: 'reserved' };
  return { ok: true, name };
}

/** The text a UI shows as the peer label: the name, then the badge, kept separate so UIs render the badge outside the name. */
export function guestLabel(name: string): {
  name: string;
  badge: 'Guest';
  notice: 'Not registered';
} {
  return { name, badge: 'Guest', notice: 'Not registered' };
}
