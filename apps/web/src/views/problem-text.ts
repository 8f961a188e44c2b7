import { KnockError } from '@knock/client/errors';
import type { Translator } from '@knock/ui/i18n/translator';
import type { WebStrings } from '../strings.js';

/** What went wrong, in the user's language where the code is one people meet; else the server's sentence. */
export function problemText(t: Translator<WebStrings>, error: unknown): string {
  if (error instanceof KnockError) {
    switch (error.code) {
      case 'invalid_credentials':
        return t.t('problemCredentials');
      case 'rate_limited':
      case 'slow_down':
        return t.t('problemRateLimited');
      case 'network_error':
      case 'timeout':
        return t.t('problemNetwork');
      case 'user_not_found':
        return t.t('problemNoSuchUser');
      case 'username_taken':
        return t.t('problemUsernameTaken');
      default:
        return error.message;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
