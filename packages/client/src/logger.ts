/**
 * The tiny logging interface the SDK writes to. Hosts adapt it to whatever they use (pino on the
 * server, stderr in the CLI, nothing in tests). Never pass tokens, passwords or payloads in `fields`.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ignore = (): void => undefined;

/** A logger that drops everything: the default when the host passes none. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
