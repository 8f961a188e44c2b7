import { BURST } from './crypto-cost.js';
import type { CryptoRecord } from './results.js';
import { formatTable, num } from './table.js';

/** The end-to-end encryption cost section of the report. */
export function renderCrypto(record: CryptoRecord): string[] {
  const browser = record.chromium.available
    ? `Chromium ${record.chromium.version}` +
      (record.chromium.nativeCurves ? '' : ' (no WebCrypto X25519/Ed25519: noble only)')
    : `Chromium not measured: ${record.chromium.reason}`;
  return [
    '',
    `End-to-end encryption: encrypt + decrypt per message over an established session, ` +
      `${record.messagesPerRun} messages a run, median of ${record.runs} runs; ping-pong changes ` +
      `direction every message (a DH ratchet step each), burst every ${BURST}. ${browser}.`,
    formatTable(
      [
        'platform',
        'backend',
        'pattern',
        'plaintext',
        'per message',
        'runs min',
        'runs max',
        'msg/s',
      ],
      record.cases.map((c) => [
        c.platform,
        c.backend,
        c.pattern,
        `${num(c.plaintextBytes)} B`,
        `${num(c.medianMicros)} µs`,
        `${num(Math.min(...c.microsPerMessage))} µs`,
        `${num(Math.max(...c.microsPerMessage))} µs`,
        num(1e6 / c.medianMicros),
      ]),
    ),
  ];
}
