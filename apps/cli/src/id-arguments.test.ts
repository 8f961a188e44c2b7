import { describe, expect, it } from 'vitest';
import { KnockCommand } from './id-arguments.js';

const DASHED = '-iiui24lvXErXivGTVrp9g';
const VERBOSE_LIKE = '-vXErXivGTVrp9giiui24l';
const DOUBLE_DASHED = '--Xiui24lvXErXivGTVrp9';

/** A small program shaped like knock's: a group, a leaf with two arguments, a short flag, a value option. */
function parse(argv: string[]) {
  const seen: { to?: string; text?: string; options?: Record<string, unknown> } = {};
  const program = new KnockCommand('knock').exitOverride();
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  program
    .command('send')
    .argument('<to>')
    .argument('<text>')
    .option('-v, --verbose')
    .option('--timeout <seconds>')
    .option('--an-option-of-22-char')
    .action((to: string, text: string, options: Record<string, unknown>) => {
      Object.assign(seen, { to, text, options });
    });
  program.parse(argv, { from: 'user' });
  return seen;
}

describe('KnockCommand', () => {
  it.each([
    [['send', DASHED, 'hi'], DASHED],
    [['send', VERBOSE_LIKE, 'hi'], VERBOSE_LIKE],
    [['send', DOUBLE_DASHED, 'hi'], DOUBLE_DASHED],
    [['send', '--verbose', DASHED, 'hi'], DASHED],
    [['send', '--timeout', '5', DASHED, 'hi', '-v'], DASHED],
    [['send', '--', DASHED, 'hi'], DASHED],
  ])('keeps an id that starts with a dash as an argument in %j', (argv, to) => {
    expect(parse(argv)).toMatchObject({ to, text: 'hi' });
  });

  it('keeps an id-shaped text as an argument after the id', () => {
    expect(parse(['send', DASHED, VERBOSE_LIKE])).toMatchObject({ to: DASHED, text: VERBOSE_LIKE });
  });

  it('lets a value option take an id-shaped value and still parses the flags around it', () => {
    expect(parse(['send', 'bob', 'hi', '--timeout', DASHED, '-v'])).toMatchObject({
      to: 'bob',
      text: 'hi',
      options: { timeout: DASHED, verbose: true },
    });
  });

  it('still reads a 22-character flag of the program as a flag', () => {
    expect(parse(['send', 'bob', 'hi', '--an-option-of-22-char'])).toMatchObject({
      options: { anOptionOf22Char: true },
    });
  });

  it('still rejects an unknown option that is not id-shaped', () => {
    expect(() => parse(['send', '-x', 'bob', 'hi'])).toThrow(/unknown option '-x'/);
  });
});
