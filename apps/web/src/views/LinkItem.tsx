import { useState } from 'preact/hooks';
import type { InviteSummary } from '@knock/protocol/invites';
import type { LinksModel } from '../links-model.js';
import { useWebStrings } from '../use-web-strings.js';
import { LinkShare } from './LinkShare.js';

const STATE_KEY = {
  open: 'stateOpen',
  claimed: 'stateClaimed',
  used_up: 'stateUsedUp',
  expired: 'stateExpired',
  revoked: 'stateRevoked',
} as const;

/** One link in the list: what it is, where it stands, its counts and times, and its actions. */
export function LinkItem({ invite, links }: { invite: InviteSummary; links: LinksModel }) {
  const t = useWebStrings();
  const [url, setUrl] = useState<string | undefined | null>(null);
  const title = invite.label ?? invite.displayName;
  const uses =
    invite.maxUses === null
      ? t.t('usesUnlimited', { uses: invite.uses })
      : t.t('usesOf', { uses: invite.uses, max: invite.maxUses });
  return (
    <li class="card link-item">
      <h3>
        <bdi>{title}</bdi>
      </h3>
      <p class="muted">
        {invite.kind === 'one_time' ? t.t('oneTime') : t.t('reusable')} · {t.t('shownAs')}{' '}
        <bdi>{invite.displayName}</bdi>
      </p>
      <dl class="link-facts">
        <dt>{t.t('state')}</dt>
        <dd data-state={invite.state}>{t.t(STATE_KEY[invite.state])}</dd>
        <dt>{t.t('uses')}</dt>
        <dd>{uses}</dd>
        <dt>{t.t('openChats')}</dt>
        <dd>{invite.chats}</dd>
        {invite.refusedClaims > 0 && (
          <>
            <dt>{t.t('refused')}</dt>
            <dd>{invite.refusedClaims}</dd>
          </>
        )}
        <dt>{t.t('created')}</dt>
        <dd>{t.dateTime(invite.createdAt)}</dd>
        {invite.expiresAt !== null && (
          <>
            <dt>{t.t('expires')}</dt>
            <dd>{t.dateTime(invite.expiresAt)}</dd>
          </>
        )}
        {invite.lastActivityAt !== null && (
          <>
            <dt>{t.t('lastActivity')}</dt>
            <dd>{t.dateTime(invite.lastActivityAt)}</dd>
          </>
        )}
      </dl>
      {invite.state === 'open' && (
        <div class="toolbar">
          {url === null && (
            <button
              type="button"
              class="button"
              onClick={() => void links.urlOf(invite.id).then(setUrl)}
            >
              {t.t('showLink')}
            </button>
          )}
          <button
            type="button"
            class="button button-danger"
            onClick={() => void links.revoke(invite.id)}
          >
            {t.t('revoke')}
          </button>
        </div>
      )}
      {url !== null && url !== undefined && <LinkShare url={url} name={invite.id} />}
      {url === undefined && <p class="muted">{t.t('linkNotOnDevice')}</p>}
    </li>
  );
}
