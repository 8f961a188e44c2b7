/**
 * The few host facilities the SDK needs beyond ECMAScript, typed here by hand so that the
 * platform-neutral files compile with neither DOM nor Node types. Node 20+ and every current browser
 * provide all of them as globals. Anything larger (fetch, WebSocket, storage) is injected instead.
 */

/** An opaque timer handle: a number in browsers, an object in Node. */
export type TimerHandle = unknown;

export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

interface TextEncoderLike {
  encode(text: string): Uint8Array;
}

interface TextDecoderLike {
  decode(bytes: Uint8Array): string;
}

interface HostGlobals {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  TextEncoder: new () => TextEncoderLike;
  TextDecoder: new (label: string, options: { fatal: boolean }) => TextDecoderLike;
  crypto: { getRandomValues(array: Uint8Array): Uint8Array };
}

const host = globalThis as unknown as HostGlobals;

/** The host's timers. Bound, because browsers reject `setTimeout` called on another receiver. */
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => host.setTimeout(callback, ms),
  clearTimeout: (handle) => host.clearTimeout(handle),
};

const encoder = new host.TextEncoder();
const decoder = new host.TextDecoder('utf-8', { fatal: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8; throws on invalid byte sequences rather than inserting replacement characters. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Cryptographically random bytes from the host's CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  return host.crypto.getRandomValues(new Uint8Array(length));
}
