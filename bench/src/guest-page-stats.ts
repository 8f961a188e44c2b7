/** Pure helpers of the guest-page scenario: spreads over rounds and what a page transferred. */
import type {
  GuestPageRound,
  GuestPageSummary,
  Spread,
  TransferKind,
  TransferSum,
  TransferTally,
} from './results.js';
import { median, percentile } from './stats.js';

/** Median, nearest-rank p90, min and max of the finite values (NaN fields for none). */
export function spread(values: readonly number[]): Spread {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: median(sorted),
    p90: percentile(sorted, 90),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** One response the page received. */
export interface TransferEntry {
  url: string;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  encodedBytes: number;
  decodedBytes: number;
  headerBytes: number;
}

export const TRANSFER_KINDS: readonly TransferKind[] = ['html', 'js', 'css', 'api', 'other'];
/** The kinds that make up the page itself. */
export const PAGE_KINDS: readonly TransferKind[] = ['html', 'js', 'css'];

/** The server's JSON API, else the file's kind by its content type (by its extension without). */
export function transferKind(url: string, contentType: string | undefined): TransferKind {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'other';
  }
  if (path.startsWith('/api/')) return 'api';
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'text/html') return 'html';
  if (type === 'text/javascript' || type === 'application/javascript') return 'js';
  if (type === 'text/css') return 'css';
  if (type !== '') return 'other';
  if (/\.m?js$/.test(path)) return 'js';
  if (path.endsWith('.css')) return 'css';
  return 'other';
}

export function tallyTransfers(entries: readonly TransferEntry[]): TransferTally {
  const empty = (): TransferSum => ({
    requests: 0,
    encodedBytes: 0,
    decodedBytes: 0,
    headerBytes: 0,
  });
  const byKind = Object.fromEntries(TRANSFER_KINDS.map((k) => [k, empty()])) as Record<
    TransferKind,
    TransferSum
  >;
  const encodings = new Set<string>();
  const files: TransferTally['files'] = [];
  for (const entry of entries) {
    const kind = transferKind(entry.url, entry.contentType);
    files.push({
      path: pathOf(entry.url),
      kind,
      encodedBytes: entry.encodedBytes,
      decodedBytes: entry.decodedBytes,
    });
    const sum = byKind[kind];
    sum.requests += 1;
    sum.encodedBytes += entry.encodedBytes;
    sum.decodedBytes += entry.decodedBytes;
    sum.headerBytes += entry.headerBytes;
    if (PAGE_KINDS.includes(kind)) encodings.add(entry.contentEncoding ?? 'identity');
  }
  return { byKind, encodings: [...encodings].sort(), files };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** HTML + JS + CSS bodies as transferred. */
export function pageBytes(tally: TransferTally): number {
  return PAGE_KINDS.reduce((total, kind) => total + tally.byKind[kind].encodedBytes, 0);
}

/** Spreads over the rounds. */
export function summarizeGuestPage(rounds: readonly GuestPageRound[]): GuestPageSummary {
  const of = (pick: (r: GuestPageRound) => number) => spread(rounds.map(pick));
  return {
    welcomeMs: of((r) => r.welcomeMs),
    enabledMs: of((r) => r.enabledMs),
    inPageWelcomeMs: of((r) => r.inPage.welcomeMs),
    navigationStartMs: of((r) => r.inPage.navigationStartMs),
    domContentLoadedMs: of((r) => r.inPage.domContentLoadedMs),
    clickDispatchMs: of((r) => r.clickDispatchMs),
    clickToChallengeMs: of((r) => r.clickToChallengeMs),
    challengeMs: of((r) => r.challengeMs),
    solveMs: of((r) => r.solveMs),
    solveMsPer1000Attempts: of((r) =>
      r.proofCounter === undefined ? Number.NaN : (r.solveMs * 1000) / (r.proofCounter + 1),
    ),
    claimMs: of((r) => r.claimMs),
    joinedMs: of((r) => r.joinedMs),
    claimToHostMs: of((r) => r.claimToHostMs),
    chatShownMs: of((r) => r.chatShownMs),
    firstLoadBytes: of((r) => pageBytes(r.beforeClick)),
    afterClickBytes: of((r) => pageBytes(r.afterClick)),
  };
}
