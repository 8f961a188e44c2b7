import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that must never reach a log line. Ciphertext, passwords, tokens and cookies are removed
 * centrally here rather than trusted to each call site.
 */
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'ciphertext',
  '*.ciphertext',
  'csrfToken',
  '*.csrfToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-knock-csrf"]',
  'res.headers["set-cookie"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { service: 'knock' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({
          method: req.method,
          // Query strings can carry anything a client typed; log the path only.
          url: req.url?.split('?')[0],
          id: req.id,
        }),
      },
    },
    destination,
  );
}
