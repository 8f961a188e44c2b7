/**
 * A bounds-checked reader for the protocol's binary formats. Every read past the end, and any
 * bytes left over at {@link WireReader.end}, throw `malformed`: parsing never reads out of range and
 * never yields a partial result.
 */
import { CryptoError } from './errors.js';

export class WireReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {
    if (!(bytes instanceof Uint8Array)) throw new CryptoError('malformed', 'expected bytes');
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  /** Big-endian unsigned 32-bit integer. */
  u32(): number {
    const b = this.take(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  /** A 0x00 / 0x01 byte; anything else is malformed. */
  flag(): boolean {
    const value = this.u8();
    if (value > 1) throw new CryptoError('malformed', 'flag byte must be 0 or 1');
    return value === 1;
  }

  /** A copy of the next `length` bytes. */
  bytesOf(length: number): Uint8Array {
    return new Uint8Array(this.take(length));
  }

  /** A copy of everything left. */
  rest(): Uint8Array {
    return this.bytesOf(this.remaining);
  }

  /** Throws unless every byte has been read. */
  end(): void {
    if (this.remaining !== 0) throw new CryptoError('malformed', 'trailing bytes');
  }

  private take(length: number): Uint8Array {
    if (length > this.remaining) throw new CryptoError('malformed', 'truncated');
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }
}

/** Big-endian encoding of an integer in [0, 2^32). */
export function u32Bytes(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new CryptoError('invalid_input', 'value does not fit in 32 bits');
  }
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** Whether `value` can be written with {@link u32Bytes}. */
export function isU32(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffffffff;
}
