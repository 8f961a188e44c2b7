import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('redacts passwords, tokens, ciphertext, cookies and query strings', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      { password: 'hunter2hunter2', token: 'secret-token', frame: { ciphertext: 'c1pher' } },
      'event',
    );
    log.info(
      { req: { method: 'GET', url: '/api/chats?secret=1', headers: { cookie: 'x' } } },
      'request',
    );
    const output = lines.join('');
    for (const secret of ['hunter2hunter2', 'secret-token', 'c1pher', 'secret=1']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[redacted]');
  });
});
