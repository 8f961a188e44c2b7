/**
 * Knock's own account of its group commits over a measured window: two readings of the server's
 * `knock_write_batch_seconds` and `knock_write_batch_writes` histograms (`/metrics`), one as the
 * window opens and one as it closes, subtracted. The server stays a black box: only what any
 * Prometheus scraper sees is read.
 */

/** A Prometheus histogram: cumulative counts per upper bound (`le`), total count and sum. */
export interface Histogram {
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

export interface WriteBatches {
  /** Group commits in the window. */
  batches: number;
  /** Writes (sends, acks, read markers) per batch, on average. */
  writesPerBatch: number;
  meanMs: number;
  /** Upper bounds of the buckets that hold the median and the 99th percentile commit. */
  p50AtMostMs: number;
  p99AtMostMs: number;
}

const SECONDS = 'knock_write_batch_seconds';
const WRITES = 'knock_write_batch_writes';

/** Reads the histogram `name` from Prometheus text exposition; undefined when it is not there. */
export function parseHistogram(exposition: string, name: string): Histogram | undefined {
  const bucketLine = new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\}\\s+(\\S+)`);
  const totalLine = new RegExp(`^${name}_(count|sum)(?:\\{[^}]*\\})?\\s+(\\S+)`);
  const buckets: Histogram['buckets'] = [];
  let count: number | undefined;
  let sum: number | undefined;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const bucket = bucketLine.exec(line);
    if (bucket) {
      const le = bucket[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(bucket[1]);
      buckets.push({ le, count: Number(bucket[2]) });
      continue;
    }
    const total = totalLine.exec(line);
    if (total?.[1] === 'count') count = Number(total[2]);
    if (total?.[1] === 'sum') sum = Number(total[2]);
  }
  if (count === undefined || sum === undefined || buckets.length === 0) return undefined;
  return { buckets: buckets.sort((a, b) => a.le - b.le), count, sum };
}

/** What was added between two readings of the same histogram. */
export function difference(before: Histogram, after: Histogram): Histogram {
  return {
    buckets: after.buckets.map((b) => ({
      le: b.le,
      count: b.count - (before.buckets.find((x) => x.le === b.le)?.count ?? 0),
    })),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/** The upper bound of the bucket holding the q-th quantile; undefined for an empty histogram. */
export function quantileBound(histogram: Histogram, q: number): number | undefined {
  if (histogram.count <= 0) return undefined;
  const rank = Math.ceil(q * histogram.count);
  return histogram.buckets.find((b) => b.count >= rank)?.le;
}

/** The window's group commits from two `/metrics` texts; undefined when either lacks them. */
export function writeBatchesBetween(before: string, after: string): WriteBatches | undefined {
  const seconds = pair(before, after, SECONDS);
  const writes = pair(before, after, WRITES);
  if (!seconds || !writes || seconds.count <= 0) return undefined;
  const ms = (q: number) => (quantileBound(seconds, q) ?? Number.NaN) * 1000;
  return {
    batches: seconds.count,
    writesPerBatch: writes.sum / writes.count,
    meanMs: (seconds.sum / seconds.count) * 1000,
    p50AtMostMs: ms(0.5),
    p99AtMostMs: ms(0.99),
  };
}

function pair(before: string, after: string, name: string): Histogram | undefined {
  const a = parseHistogram(before, name);
  const b = parseHistogram(after, name);
  return a && b ? difference(a, b) : undefined;
}

/** The server's `/metrics` text, or undefined if it did not answer. */
export async function scrapeMetrics(httpUrl: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}
