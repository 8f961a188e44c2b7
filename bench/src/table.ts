/** Plain-text tables for the terminal (pure). */

/** Columns padded to their widest cell; cells that look numeric are right-aligned. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = headers.map(
    (_, c) => rows.length > 0 && rows.every((r) => isNumeric(r[c] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

function isNumeric(cell: string): boolean {
  return /^[-+]?[\d,.]+\s*(%|ms|µs|KiB|MiB|B|s)?$/.test(cell.trim()) || cell.trim() === '-';
}

/** A number with thousands separators and `digits` decimals; '-' for NaN or undefined. */
export function num(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
