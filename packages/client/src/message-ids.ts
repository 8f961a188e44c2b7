import { encodeBase64url } from '@knock/protocol/base64url';
import { randomBytes } from './platform.js';

/** Base-32 digits in ascending byte order, so that the ids sort as their times do. */
const TIME_DIGITS = '0123456789abcdefghijklmnopqrstuv';
/** Nine digits of milliseconds since 1970 last until the year 3084. */
const TIME_WIDTH = 9;
const TIME_LIMIT = 32 ** TIME_WIDTH - 1;

/**
 * A new `clientMessageId`. Given the server's time, it is nine base-32 digits of that time in
 * milliseconds, then 96 random bits: ids made later sort after earlier ones, so a batch of sends
 * lands on the last leaves of the server's idempotency index instead of one leaf each (ADR 0014).
 * Without it (before the first `ready`), 128 random bits, which tell nothing about the device.
 */
export function newClientMessageId(serverTime: number | undefined): string {
  if (serverTime === undefined) return encodeBase64url(randomBytes(16));
  return timeDigits(Math.min(Math.max(Math.floor(serverTime), 0), TIME_LIMIT)) + randomPart();
}

let lastTime = -1;
let lastDigits = '';

function timeDigits(time: number): string {
  if (time === lastTime) return lastDigits;
  let rest = time;
  let digits = '';
  for (let i = 0; i < TIME_WIDTH; i++) {
    digits = (TIME_DIGITS[rest % 32] ?? '0') + digits;
    rest = Math.floor(rest / 32);
  }
  lastTime = time;
  lastDigits = digits;
  return digits;
}

/** Random bytes are drawn 3 KiB at a time: one call to the system's generator per 256 ids. */
const POOL_BYTES = 3072;
const RANDOM_BYTES = 12;
let pool: Uint8Array = new Uint8Array(0);
let used = 0;

/** 96 random bits in base64url (16 characters). */
function randomPart(): string {
  if (used + RANDOM_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const part = encodeBase64url(pool.subarray(used, used + RANDOM_BYTES));
  used += RANDOM_BYTES;
  return part;
}

/**
 * The server's clock as this client last saw it: `ready` carries the server's time. Ids are made
 * from it rather than from the device's clock, so they do not tell the server how far off the
 * device's clock is.
 */
export class ServerClock {
  readonly #now: () => number;
  #offset: number | undefined;

  constructor(now: () => number) {
    this.#now = now;
  }

  observe(serverTime: number): void {
    this.#offset = serverTime - this.#now();
  }

  /** The server's time now, or undefined before the first `ready`. */
  time(): number | undefined {
    return this.#offset === undefined ? undefined : this.#now() + this.#offset;
  }
}
