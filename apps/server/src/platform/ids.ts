import { createHash, randomBytes } from 'node:crypto';

/** A 128-bit random identifier, base64url (22 characters). */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** A 256-bit random secret, base64url: session cookies and bearer tokens. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Secrets are stored only as their SHA-256; a leaked table cannot be replayed. */
export function hashSecret(secret: string, purpose: string): string {
  return createHash('sha256').update(purpose).update('\0').update(secret).digest('base64url');
}
