const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration as its two largest units: `6d 23h`, `3h 5m`, `12m`, `<1m`. */
export function formatDuration(ms: number): string {
  if (ms < MINUTE) return '<1m';
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  return `${minutes}m`;
}

/** How long ago: `just now`, `5m ago`, `3h 2m ago`, `2d ago`. */
export function formatAgo(at: number, now: number): string {
  const ms = Math.max(0, now - at);
  return ms < MINUTE ? 'just now' : `${formatDuration(ms)} ago`;
}

export function formatExpiresIn(expiresAt: number, now: number): string {
  return expiresAt <= now ? 'expired' : formatDuration(expiresAt - now);
}

/** `HH:MM` in local time, or `YYYY-MM-DD HH:MM` when not today. */
export function formatTime(at: number, now: number): string {
  const date = new Date(at);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  if (new Date(now).toDateString() === date.toDateString()) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => [...(row[column] ?? '')].length)),
  );
  return all
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1
            ? cell
            : cell + ' '.repeat((widths[column] ?? 0) - [...cell].length),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** C0 controls except tab and newline, DEL, C1 controls, and bidirectional overrides/isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Makes text from other people safe to print on a terminal: control characters (escape sequences
 * could recolour or rewrite the screen) become visible `\xNN`/`\u{…}` escapes.
 */
export function sanitize(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Messages may be multi-line: continuation lines are indented under the first. */
export function indentContinuation(text: string, indent: number): string {
  return text.split(/\r?\n/).join(`\n${' '.repeat(indent)}`);
}
