import type { ErrorCode } from '@knock/protocol/errors';
import { errorCatalogue, isErrorCode } from '@knock/protocol/errors';

/** Failures that arise in the SDK itself rather than on the server. */
export const clientErrorMessages = {
  network_error: 'The server could not be reached.',
  invalid_response: 'The server sent a response this client does not understand.',
  not_connected: 'The client is not connected.',
  timeout: 'The operation timed out.',
  identity_changed:
    "This contact's security key changed. Compare the new safety number before you continue.",
  link_mismatch:
    'This link does not match what the server sent for it, so someone may be interfering. The chat was not started.',
  identity_replaced:
    "Another device now holds this account's keys, so this one cannot read new messages. Sign in again here to make it this account's device.",
} as const;

export type ClientErrorCode = keyof typeof clientErrorMessages;

export type KnockErrorCode = ErrorCode | ClientErrorCode;

/**
 * Every failure the SDK reports: a catalogued server code (see `@knock/protocol/errors`) or one of
 * the client's own codes, a sentence for people, and the HTTP status (0 when none applies).
 */
export class KnockError extends Error {
  override readonly name = 'KnockError';
  readonly code: KnockErrorCode;
  readonly status: number;
  readonly requestId: string | undefined;

  constructor(code: KnockErrorCode, message?: string, status?: number, requestId?: string) {
    super(message ?? defaultMessage(code));
    this.code = code;
    this.status = status ?? (isErrorCode(code) ? errorCatalogue[code].status : 0);
    this.requestId = requestId;
  }

  /** A server error from its wire code; unknown codes become `internal_error`. */
  static fromWire(code: string, message: string, status: number, requestId?: string): KnockError {
    return new KnockError(isErrorCode(code) ? code : 'internal_error', message, status, requestId);
  }
}

function defaultMessage(code: KnockErrorCode): string {
  return isErrorCode(code) ? errorCatalogue[code].message : clientErrorMessages[code];
}

export function isKnockError(value: unknown): value is KnockError {
  return value instanceof KnockError;
}
