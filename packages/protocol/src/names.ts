import { MAX_DISPLAY_NAME_LENGTH, USERNAME_PATTERN } from './limits.js';

/**
 * Control characters (C0, C1), bidirectional overrides and isolates, zero-width characters, the
 * byte-order mark, line and paragraph separators and interlinear annotation characters: none may
 * appear in a name a person will read. Shared with guest names (guest-name.ts), which refuse more.
 */
export const FORBIDDEN_IN_NAMES =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/u;

/** Lower-cases and validates a username; returns undefined when it breaks the rules. */
export function normaliseUsername(input: string): string | undefined {
  const candidate = input.trim().toLowerCase();
  return USERNAME_PATTERN.test(candidate) ? candidate : undefined;
}

/**
 * NFC-normalises a display name, collapses runs of whitespace and trims it; returns undefined when
 * it is empty, too long or holds a character that could disguise it.
 */
export function normaliseDisplayName(input: string): string | undefined {
  if (input.length > MAX_DISPLAY_NAME_LENGTH * 4) return undefined;
  const candidate = input.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (candidate.length === 0 || [...candidate].length > MAX_DISPLAY_NAME_LENGTH) return undefined;
  if (FORBIDDEN_IN_NAMES.test(candidate)) return undefined;
  return candidate;
}
