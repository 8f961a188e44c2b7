import { describe, expect, it } from 'vitest';
import {
  guestLabel,
  MAX_GUEST_NAME_LENGTH,
  normaliseGuestName,
  type GuestNameRefusal,
} from './guest-name.js';
import { FORBIDDEN_IN_NAMES } from './names.js';

const HOST = 'Alice Martin';
const hostNames = [HOST, 'alice_m'] as const;

function refusal(input: string, names: readonly string[] = hostNames): GuestNameRefusal | 'ok' {
  const result = normaliseGuestName(input, { hostNames: names });
  return result.ok ? 'ok' : result.reason;
}

describe('normaliseGuestName', () => {
  it('passes ordinary names from many scripts unchanged', () => {
    const names = [
      'José',
      'Zoë',
      '李小龙',
      'محمد',
      'Ólafur Arnalds',
      "O'Brien",
      'Anne-Marie',
      '🙂 Sam',
      '❤️ Kim',
      'Sam 👍🏽',
      'Team 🇳🇴',
      'Nguyễn Thị Minh Khai',
      'Σωκράτης',
      'Владимир',
      'प्रिया',
      'தமிழ்',
      'สมชาย',
      'さくら',
      '김민준',
      'שרה',
      'አበበ',
      'Jean-Luc Picard Jr.',
      'R2-D2',
      'Christopher Guest',
      'a'.repeat(MAX_GUEST_NAME_LENGTH),
    ];
    for (const name of names) {
      expect(normaliseGuestName(name, { hostNames }), name).toEqual({ ok: true, name });
    }
  });

  it('keeps HTML as plain text: not refused, not altered', () => {
    for (const name of [
      '<img src=x onerror=alert(1)>',
      '<script>alert("x")</script>',
      'Tom & Jerry',
      '"><b>bold</b>',
    ]) {
      expect(normaliseGuestName(name), name).toEqual({ ok: true, name });
    }
  });

  it('composes, folds compatibility forms and collapses spaces', () => {
    const cases: [string, string][] = [
      ['Jose\u0301', 'José'],
      ['  Sam   Lee  ', 'Sam Lee'],
      ['Sam\u00a0\u2003\u3000Lee', 'Sam Lee'],
      ['Ｓａｍ', 'Sam'],
      ['𝐒𝐚𝐦', 'Sam'],
      ['ﬁona', 'fiona'],
      ['Louis XIV²', 'Louis XIV2'],
      [' '.repeat(120) + 'Sam', 'Sam'],
    ];
    for (const [input, name] of cases) {
      expect(normaliseGuestName(input), JSON.stringify(input)).toEqual({ ok: true, name });
    }
  });

  it('refuses every kind of hostile name with the right reason', () => {
    const cases: [string, GuestNameRefusal][] = [
      // empty, or nothing a person could read out
      ['', 'empty'],
      ['   ', 'empty'],
      ['\u3000\u00a0', 'empty'],
      ['...', 'empty'],
      ['—', 'empty'],
      ['🙂', 'empty'],
      ['<>', 'empty'],
      // length: 10 000 characters are refused before normalising, 41 code points after
      ['a'.repeat(10_000), 'too_long'],
      ['\u0301'.repeat(10_000), 'too_long'],
      ['a'.repeat(MAX_GUEST_NAME_LENGTH + 1), 'too_long'],
      ['Sam ' + '🙂'.repeat(MAX_GUEST_NAME_LENGTH), 'too_long'],
      ['\ufdfa'.repeat(10), 'too_long'],
      // bidi overrides, embeddings, isolates and marks
      ['Sam\u202egnp.exe', 'forbidden_character'],
      ['\u202dSam', 'forbidden_character'],
      ['\u202aSam\u202c', 'forbidden_character'],
      ['\u2066Sam\u2069', 'forbidden_character'],
      ['\u2067Sam\u2069', 'forbidden_character'],
      ['\u2068Sam\u2069', 'forbidden_character'],
      ['Sam\u200f', 'forbidden_character'],
      ['Sam\u200e', 'forbidden_character'],
      ['\u061cSam', 'forbidden_character'],
      // zero-width and other invisible characters
      ['Sa\u200bm', 'forbidden_character'],
      ['Sa\u200cm', 'forbidden_character'],
      ['Sa\u200dm', 'forbidden_character'],
      ['👩\u200d💻 Sam', 'forbidden_character'],
      ['Sa\u2060m', 'forbidden_character'],
      ['\ufeffSam', 'forbidden_character'],
      ['Sa\u00adm', 'forbidden_character'],
      ['Sa\u034fm', 'forbidden_character'],
      ['Sam\u180e', 'forbidden_character'],
      ['Sam\u3164', 'forbidden_character'],
      ['Sam\u115f', 'forbidden_character'],
      ['Sam\u2800\u2800', 'forbidden_character'],
      // controls, separators
      ['Sam\u0000', 'forbidden_character'],
      ['Sam\nLee', 'forbidden_character'],
      ['Sam\tLee', 'forbidden_character'],
      ['Sam\u0085', 'forbidden_character'],
      ['Sam\u2028Lee', 'forbidden_character'],
      ['Sam\u2029Lee', 'forbidden_character'],
      ['Sam\u001b[31m', 'forbidden_character'],
      // tag characters (invisible text, e.g. hidden instructions)
      ['Sam\u{e0041}\u{e0042}', 'forbidden_character'],
      ['Sam\u{e0001}', 'forbidden_character'],
      ['Sam\u{e007f}', 'forbidden_character'],
      // private use, noncharacters, lone surrogates
      ['Sam\ue000', 'forbidden_character'],
      ['Sam\u{f0000}', 'forbidden_character'],
      ['Sam\ufdd0', 'forbidden_character'],
      ['Sam\uffff', 'forbidden_character'],
      ['Sam\u{1fffe}', 'forbidden_character'],
      ['Sam\ud800', 'forbidden_character'],
      ['Sam\udc00x', 'forbidden_character'],
      // variation selectors: one per character, after a base
      ['❤\ufe0f\ufe0f Sam', 'forbidden_character'],
      ['Sam\ufe00\ufe01', 'forbidden_character'],
      ['\ufe0fSam', 'forbidden_character'],
      ['Sam \ufe0f', 'forbidden_character'],
      ['Sam\u{e0100}\u{e0101}', 'forbidden_character'],
      // combining marks: a base each, at most 3 stacked ("Zalgo")
      ['S\u0301\u0302\u0303\u0304am', 'forbidden_character'],
      ['Sam\u0336\u0336\u0336\u0336\u0336\u0336', 'forbidden_character'],
      ['Z\u0351\u0362\u0314\u036b\u0344a\u0310\u0357l\u0346g\u0313o', 'forbidden_character'],
      ['\u0301Sam', 'forbidden_character'],
      ['Sam \u0301', 'forbidden_character'],
      ['\u20dd', 'forbidden_character'],
      // the host's own name, in disguise
      [HOST, 'impersonates_host'],
      ['alice martin', 'impersonates_host'],
      ['ALICE MARTIN', 'impersonates_host'],
      ['AliceMartin', 'impersonates_host'],
      ['Alice   Martin', 'impersonates_host'],
      ['A l i c e  M a r t i n', 'impersonates_host'],
      ['Alice-Martin!', 'impersonates_host'],
      ['Alice.Martin', 'impersonates_host'],
      ['\u0410lice Martin', 'impersonates_host'],
      ['Alic\u0435 M\u0430rtin', 'impersonates_host'],
      ['\u0391lice Μartin', 'impersonates_host'],
      ['ＡＬＩＣＥ ＭＡＲＴＩＮ', 'impersonates_host'],
      ['𝐀𝐥𝐢𝐜𝐞 𝐌𝐚𝐫𝐭𝐢𝐧', 'impersonates_host'],
      ['Álícé Mártín', 'impersonates_host'],
      ['A\u0301lice\u0308 Martin', 'impersonates_host'],
      ['AIice Martin', 'impersonates_host'],
      ['A1ice Martin', 'impersonates_host'],
      ['Alice Ⅿartin', 'impersonates_host'],
      ['Alice Martin 🙂', 'impersonates_host'],
      ['Alice_M', 'impersonates_host'],
      ['ALICE m', 'impersonates_host'],
      // the service, staff and the badge itself
      ['Knock', 'reserved'],
      ['knock support', 'reserved'],
      ['KNOCK  SUPPORT', 'reserved'],
      ['Кnосk', 'reserved'],
      ['Ｋｎｏｃｋ', 'reserved'],
      ['Admin', 'reserved'],
      ['ADM1N', 'reserved'],
      ['Аdmin', 'reserved'],
      ['System', 'reserved'],
      ['Guest', 'reserved'],
      ['Not registered', 'reserved'],
      ['Sam (Guest)', 'reserved'],
      ['Sam(guest)', 'reserved'],
      ['Sam [Guest]', 'reserved'],
      ['Sam ⁽Guest⁾', 'reserved'],
      ['Sam （Ｇｕｅｓｔ）', 'reserved'],
      ['Sam ❨Guеst❩', 'reserved'],
      ['Sam (Guest', 'reserved'],
      ['Sam <Host>', 'reserved'],
      ['Sam «Admin»', 'reserved'],
      ['Sam (Verified)', 'reserved'],
      ['Sam (Not registered)', 'reserved'],
      ['(Knock) Sam', 'reserved'],
    ];
    const wrong = cases
      .map(([input, reason]) => [JSON.stringify(input), refusal(input), reason] as const)
      .filter(([, got, want]) => got !== want);
    expect(wrong).toEqual([]);
  });

  it('refuses by the guest-side rules alone when no host names are given', () => {
    expect(normaliseGuestName(HOST)).toEqual({ ok: true, name: HOST });
    expect(normaliseGuestName('Knock')).toEqual({ ok: false, reason: 'reserved' });
    expect(refusal('Alice', [''])).toBe('ok');
    expect(refusal('Alice', ['...'])).toBe('ok');
  });

  it('does not mistake near names for the host', () => {
    for (const name of ['Alice', 'Martin', 'Alice Martinez', 'Alice B.', 'Bob Martin']) {
      expect(refusal(name), name).toBe('ok');
    }
  });
});

describe('guestLabel', () => {
  it('keeps the badge and notice outside the name', () => {
    expect(guestLabel('Sam')).toEqual({ name: 'Sam', badge: 'Guest', notice: 'Not registered' });
    const html = '<img src=x onerror=alert(1)>';
    expect(guestLabel(html).name).toBe(html);
  });
});

/** mulberry32: a tiny seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces hostile names are made of: plain letters weighted up so some names survive. */
const HOSTILE_ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyzAIMS019',
  ...'abcdeaeiou',
  ' ',
  '  ',
  '\u00a0',
  '\u2003',
  '\u3000',
  '\u1680',
  '\t',
  '\n',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202d',
  '\u202e',
  '\u2028',
  '\u2029',
  '\u2060',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u061c',
  '\ufeff',
  '\u00ad',
  '\u034f',
  '\u180e',
  '\u3164',
  '\u2800',
  '\ufffc',
  '\ufdd0',
  '\uffff',
  '\u{e0001}',
  '\u{e0041}',
  '\u{e007f}',
  '\ue000',
  '\u{10fffd}',
  '\ud800',
  '\udfff',
  '\u0301',
  '\u0308',
  '\u0336',
  '\u20dd',
  '\u20e3',
  '\u0903',
  '\ufe0f',
  '\ufe0e',
  '\u{e0100}',
  '\u180b',
  '\u0430',
  '\u0435',
  '\u03b1',
  '\u0391',
  'Ａ',
  'ｌ',
  '𝐀',
  'ﬁ',
  '²',
  '\ufdfa',
  'é',
  'ß',
  'İ',
  '李',
  'م',
  'प',
  '्',
  '🙂',
  '👍',
  '🏽',
  '🇳',
  '(',
  ')',
  '[',
  '<',
  '>',
  '&',
  '"',
  "'",
  '.',
  '-',
  '|',
  'Guest',
  'Knock',
  'Alice',
  '<img src=x onerror=alert(1)>',
];

function randomName(random: () => number): string {
  const pieces = random() < 0.05 ? 200 : Math.floor(random() * 24);
  let out = '';
  for (let i = 0; i < pieces; i += 1) {
    out += HOSTILE_ALPHABET[Math.floor(random() * HOSTILE_ALPHABET.length)]!;
  }
  return out;
}

/** An oracle independent of the implementation: what no accepted name may contain. */
const VARIATION_SELECTOR = /[\u180b-\u180d\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;
const NEVER_IN_A_NAME = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}\u2800\ufffc\ufdd0-\ufdef\uffff]/u;
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

describe('normaliseGuestName on random hostile input', () => {
  const random = prng(0x6b6e6f63);
  const inputs = Array.from({ length: 4000 }, () => randomName(random));

  it('never throws, and accepts some and refuses some', () => {
    const results = inputs.map((input) => normaliseGuestName(input, { hostNames }));
    const accepted = results.filter((result) => result.ok).length;
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(inputs.length - 200);
  });

  it('returns names that are idempotent, short enough and clean', () => {
    for (const input of inputs) {
      const result = normaliseGuestName(input, { hostNames });
      if (!result.ok) continue;
      const { name } = result;
      const context = JSON.stringify(input);
      expect(normaliseGuestName(name, { hostNames }), context).toEqual(result);
      expect([...name].length, context).toBeLessThanOrEqual(MAX_GUEST_NAME_LENGTH);
      expect(name.normalize('NFKC'), context).toBe(name);
      expect(name.trim(), context).toBe(name);
      expect(name, context).not.toMatch(/\s\s/u);
      expect(name, context).toMatch(/[\p{L}\p{N}]/u);
      for (const char of name) {
        const hidden = INVISIBLE.test(char) && !VARIATION_SELECTOR.test(char);
        expect(FORBIDDEN_IN_NAMES.test(char) || NEVER_IN_A_NAME.test(char) || hidden, context).toBe(
          false,
        );
      }
    }
  });

  it('refuses the same input the same way on a second look', () => {
    for (const input of inputs.slice(0, 500)) {
      expect(normaliseGuestName(input, { hostNames })).toEqual(
        normaliseGuestName(input, { hostNames }),
      );
    }
  });
});
