/** Protocol constants shared by server, SDK and CLI. Changing one is a protocol change. */
export const PROTOCOL_VERSION = 1;

/** Largest ciphertext a client may send, in bytes (before base64url). */
export const MAX_CIPHERTEXT_BYTES = 64 * 1024;

/** base64url without padding: 4 characters per 3 bytes, rounded up. */
export const MAX_CIPHERTEXT_CHARS = Math.ceil((MAX_CIPHERTEXT_BYTES * 4) / 3);

/** Largest WebSocket frame the server accepts: the ciphertext plus room for the envelope. */
export const MAX_FRAME_BYTES = MAX_CIPHERTEXT_CHARS + 1024;

/** Messages per page when the server replays a chat after a resume. */
export const SYNC_PAGE_SIZE = 100;

export const USERNAME_PATTERN = /^[a-z][a-z0-9_]{2,31}$/;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_DISPLAY_NAME_LENGTH = 64;

/** Identifiers the server mints: 128 random bits, base64url. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Identifiers a client mints for idempotent sends. */
export const CLIENT_MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export const WS_PATH = '/api/ws';
/**
 * The WebSocket subprotocol a browser asks for. Browsers cannot set an Authorization header on an
 * upgrade, so a browser holding a bearer token (a guest) offers it as a second subprotocol,
 * `knock.bearer.<token>`; the server answers with `knock` alone and never echoes the token.
 */
export const WS_SUBPROTOCOL = 'knock';
export const WS_BEARER_SUBPROTOCOL_PREFIX = 'knock.bearer.';
export const CSRF_HEADER = 'x-knock-csrf';

/**
 * A guest chat the host has not accepted (or replied in) takes at most this many messages from
 * the guest, with at most this much encrypted content between them: their ciphertext minus the
 * key-agreement and ratchet headers and the authentication tag, so the padded text (DESIGN §1).
 */
export const MAX_REQUEST_MESSAGES = 3;
export const MAX_REQUEST_BYTES = 4096;

/** Largest first message of a guest (its name, encrypted, with the key agreement), in bytes. */
export const MAX_HELLO_BYTES = 8 * 1024;
export const MAX_HELLO_CHARS = Math.ceil((MAX_HELLO_BYTES * 4) / 3);
