import type { ChatSummary } from '@knock/protocol/http';
import type { KnockClient } from '@knock/client/knock-client';
import { useWebStrings } from '../use-web-strings.js';

/**
 * A chat's other side: a guest as "Name (Guest)" with "Not registered" (T32: the badge is outside
 * the name, which is only ever text).
 */
export function PeerName({ client, chat }: { client: KnockClient; chat: ChatSummary }) {
  const t = useWebStrings();
  const display = client.peerDisplay(chat);
  return (
    <span class="peer-name">
      <bdi>{display.name}</bdi>
      {display.badge && <span class="guest-badge"> ({t.t('guestBadge')})</span>}
      {display.notice && <span class="muted peer-notice"> · {t.t('notRegistered')}</span>}
    </span>
  );
}
