import { pageBytes, TRANSFER_KINDS } from './guest-page-stats.js';
import type { GuestPageRecord, Spread, TransferTally } from './results.js';
import { formatTable, num } from './table.js';

const kib = (bytes: number | undefined) =>
  bytes === undefined ? '-' : `${num(bytes / 1024, 1)} KiB`;
const ms = (value: number | undefined, digits = 0) => `${num(value, digits)} ms`;

/** The guest-page section of the report. */
export function renderGuestPage(record: GuestPageRecord): string[] {
  if (!record.available) return ['', `Guest page in Chromium: not measured (${record.reason}).`];
  const s = record.summary;
  const v = record.viewport;
  const out: string[] = [
    '',
    `Guest page in Chromium ${record.chromiumVersion}: ${record.rounds.length} round(s) after ` +
      `${record.warmupRounds} warm-up, each a fresh one-time link and browser context ` +
      `(${v.width}×${v.height}, nothing cached); the proof of work at the server's production ` +
      `difficulty; the host is an SDK client in this process. Times on this process's clock ` +
      `from page.goto(link); from the click on "Start chat" as the page got it, to the ` +
      `requests as Chromium timed them and to the host's event here (the clocks agree to about ` +
      `a millisecond); "in page" on the page's clock from its navigation start. CPU in % of one core over the round ("other": neither the ` +
      `server, this process nor Chromium).`,
    formatTable(
      [
        'round',
        '→ welcome',
        '→ enabled',
        'in page: DCL',
        'in page: welcome',
        'click → challenge',
        'proof',
        'counter',
        'claim',
        'click → host',
        'click → chat',
        'first load',
        'after click',
        'server CPU',
        'Chromium CPU',
        'other CPU',
      ],
      record.rounds.map((r) => [
        String(r.round),
        ms(r.welcomeMs),
        ms(r.enabledMs),
        ms(r.inPage.domContentLoadedMs),
        ms(r.inPage.welcomeMs),
        ms(r.clickToChallengeMs),
        ms(r.solveMs),
        num(r.proofCounter),
        ms(r.claimMs, 1),
        ms(r.joinedMs),
        ms(r.chatShownMs),
        kib(pageBytes(r.beforeClick)),
        kib(pageBytes(r.afterClick)),
        `${num(r.cpu.serverPercent)}%`,
        `${num(r.cpu.chromiumPercent)}%`,
        `${num(r.cpu.otherPercent)}%`,
      ]),
    ),
    '',
    formatTable(
      ['measured', 'median', 'p90', 'min', 'max'],
      [
        row('navigation → welcome heading visible', s.welcomeMs),
        row('navigation → "Start chat" enabled (terms checked, name filled)', s.enabledMs),
        row("  page.goto → the page's navigation start", s.navigationStartMs, 1),
        row('  in page: DOMContentLoaded', s.domContentLoadedMs),
        row('  in page: welcome heading in the DOM', s.inPageWelcomeMs),
        row("  Playwright's click() → the page's click event", s.clickDispatchMs, 1),
        row('click → challenge requested (keys, first message made)', s.clickToChallengeMs),
        row('challenge sent → answered', s.challengeMs, 1),
        row('proof of work: challenge answered → claim sent (Worker)', s.solveMs),
        row('  the same per 1,000 attempts', s.solveMsPer1000Attempts),
        row('claim sent → answered', s.claimMs, 1),
        row("claim sent → host's guestJoined (claim, push, decryption)", s.claimToHostMs, 1),
        row("click → host's client has the first message (guestJoined)", s.joinedMs),
        row("click → guest's chat screen visible", s.chatShownMs),
        bytesRow('first load: HTML + JS + CSS transferred', s.firstLoadBytes),
        bytesRow('after the click: JS + CSS transferred', s.afterClickBytes),
      ],
    ),
  ];
  const first = record.rounds[0];
  if (first) {
    out.push(
      '',
      `What round 1 transferred (bodies as sent, content-encoding of the page's files: ` +
        `${first.beforeClick.encodings.join(', ') || '-'} before the click, ` +
        `${first.afterClick.encodings.join(', ') || '-'} after)`,
      formatTable(
        ['when', 'kind', 'requests', 'transferred', 'decoded', 'headers'],
        [
          ...tallyRows('before the click', first.beforeClick),
          ...tallyRows('after', first.afterClick),
        ],
      ),
    );
  }
  for (const r of record.rounds.filter((x) => x.cpu.otherPercent >= 20)) {
    const who = r.cpu.others.map((o) => `${o.command} ${num(o.cpuPercent)}%`).join('; ');
    out.push(
      `  other CPU in round ${r.round}: ${num(r.cpu.otherPercent)}%${who ? ` (${who})` : ''}`,
    );
  }
  for (const r of record.rounds.filter((x) => x.problems.length > 0)) {
    out.push(`  round ${r.round}, the page reported: ${r.problems.slice(0, 3).join(' | ')}`);
  }
  return out;
}

function row(label: string, x: Spread, digits = 0): string[] {
  return [label, ms(x.median, digits), ms(x.p90, digits), ms(x.min, digits), ms(x.max, digits)];
}

function bytesRow(label: string, x: Spread): string[] {
  return [label, kib(x.median), kib(x.p90), kib(x.min), kib(x.max)];
}

function tallyRows(when: string, tally: TransferTally): string[][] {
  return TRANSFER_KINDS.filter((kind) => tally.byKind[kind].requests > 0).map((kind) => {
    const sum = tally.byKind[kind];
    return [
      when,
      kind,
      num(sum.requests),
      kib(sum.encodedBytes),
      kib(sum.decodedBytes),
      kib(sum.headerBytes),
    ];
  });
}
