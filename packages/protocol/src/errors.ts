/**
 * The one error catalogue. Only these codes reach the wire; anything else becomes `internal_error`
 * with a request id. Each entry carries the HTTP status and, where the error ends a WebSocket, the
 * close code (4000 + HTTP status for application errors, standard codes otherwise).
 */
export const errorCatalogue = {
  bad_request: { status: 400, close: 4400, message: 'The request is malformed.' },
  invalid_frame: { status: 400, close: 1008, message: 'The frame is not a valid Knock frame.' },
  frame_too_large: { status: 413, close: 1009, message: 'The frame is larger than allowed.' },
  message_too_large: { status: 413, close: 4413, message: 'The message is larger than 64 KiB.' },
  invalid_username: {
    status: 400,
    close: 4400,
    message:
      'Usernames are 3 to 32 characters: lowercase letters, digits and underscores, starting with a letter.',
  },
  invalid_display_name: {
    status: 400,
    close: 4400,
    message: 'Display names are 1 to 64 characters, without control or direction characters.',
  },
  weak_password: {
    status: 400,
    close: 4400,
    message: 'Passwords must be at least 10 characters long.',
  },
  username_taken: { status: 409, close: 4409, message: 'That username is already taken.' },
  invalid_credentials: {
    status: 401,
    close: 4401,
    message: 'The username or password is not correct.',
  },
  unauthorized: { status: 401, close: 4401, message: 'Sign in to continue.' },
  csrf_failed: {
    status: 403,
    close: 4403,
    message: 'The request did not carry a valid CSRF token.',
  },
  origin_not_allowed: {
    status: 403,
    close: 4403,
    message: 'Requests from this origin are not allowed.',
  },
  forbidden: { status: 403, close: 4403, message: 'You are not allowed to do that.' },
  not_found: { status: 404, close: 4404, message: 'Nothing was found here.' },
  user_not_found: { status: 404, close: 4404, message: 'No user has that username.' },
  chat_not_found: {
    status: 404,
    close: 4404,
    message: 'That chat does not exist or has expired.',
  },
  no_keys: {
    status: 404,
    close: 4404,
    message: 'That user has not set up end-to-end encryption yet.',
  },
  invite_not_found: {
    status: 404,
    close: 4404,
    message: 'This link does not work. It may have expired, been used up or been revoked.',
  },
  invite_exists: {
    status: 409,
    close: 4409,
    message: 'An invite with that id already exists. Make a new link.',
  },
  too_many_invites: {
    status: 409,
    close: 4409,
    message: 'You have too many open links. Revoke some before making more.',
  },
  proof_invalid: {
    status: 400,
    close: 4400,
    message: 'The check that keeps robots out did not pass. Reload the page and try again.',
  },
  request_limit: {
    status: 429,
    close: 4429,
    message: 'Wait for the host to accept this chat before you send more.',
  },
  identity_required: {
    status: 409,
    close: 4409,
    message: 'Publish an identity key before uploading prekeys.',
  },
  too_many_prekeys: {
    status: 400,
    close: 4400,
    message: 'Too many one-time prekeys: the server keeps at most 200 of each kind.',
  },
  cannot_chat_with_self: {
    status: 400,
    close: 4400,
    message: 'You cannot start a chat with yourself.',
  },
  rate_limited: {
    status: 429,
    close: 4429,
    message: 'Too many requests. Wait a moment and try again.',
  },
  too_many_connections: {
    status: 429,
    close: 1013,
    message: 'Too many connections from your address. Try again later.',
  },
  slow_down: {
    status: 503,
    close: 1013,
    message: 'The server is busy. Your client will retry shortly.',
  },
  shutting_down: {
    status: 503,
    close: 1001,
    message: 'The server is restarting. Your client will reconnect.',
  },
  not_ready: { status: 503, close: 1013, message: 'The server is not ready.' },
  internal_error: {
    status: 500,
    close: 1011,
    message: 'Something went wrong on the server. Try again.',
  },
} as const satisfies Record<string, { status: number; close: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

/** The body of every HTTP error response and every WebSocket `error` frame. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  requestId?: string;
}

/**
 * Errors after which resending the same send cannot succeed: a client drops it and tells the user.
 * Any other error on a send is passing (load, storage) and the send is retried with the same id.
 */
const permanentSendErrors: ReadonlySet<string> = new Set<ErrorCode>([
  'chat_not_found',
  'message_too_large',
  'forbidden',
  'bad_request',
  'invalid_frame',
  'request_limit',
]);

export function isPermanentSendError(code: string): boolean {
  return permanentSendErrors.has(code);
}
