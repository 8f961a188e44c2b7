import { useEffect, useRef, useState } from 'preact/hooks';
import { ConfirmDialog } from '@knock/ui/ConfirmDialog';
import type { UserSession } from '../user-session.js';
import { useWebStrings } from '../use-web-strings.js';
import { CreateLink } from './CreateLink.js';
import { LinkItem } from './LinkItem.js';
import { LinkShare } from './LinkShare.js';

/** The Links screen: create a link, pass it on, and see and revoke every link. */
export function Links({ session }: { session: UserSession }) {
  const t = useWebStrings();
  const links = session.links;
  const [confirmAll, setConfirmAll] = useState(false);
  const [revoked, setRevoked] = useState<number | undefined>(undefined);
  useEffect(() => {
    void links.load();
    document.title = t.t('links');
  }, [links]);
  const created = links.created.value;
  const readyHeading = useRef<HTMLHeadingElement>(null);
  const shownCreated = useRef(created);
  useEffect(() => {
    // A link just made takes focus, so that it is announced and the keyboard carries on from it.
    if (created && created !== shownCreated.current) readyHeading.current?.focus();
    shownCreated.current = created;
  }, [created]);
  const invites = links.invites.value;
  const anyOpen = invites.some((i) => i.state === 'open');
  return (
    <main class="page links-page">
      <h1>{t.t('links')}</h1>
      {links.notices.value.map((notice) => {
        const invite = invites.find((i) => i.id === notice.inviteId);
        const name = invite ? (invite.label ?? invite.displayName) : '';
        return (
          <p key={`${notice.inviteId}-${notice.at}`} class="notice" role="status">
            {notice.notice === 'used_twice'
              ? t.t('noticeUsedTwice', { name })
              : t.t('noticeFlood', { name })}{' '}
            <button type="button" class="button" onClick={() => links.dismissNotice(notice)}>
              {t.t('dismiss')}
            </button>
          </p>
        );
      })}
      <CreateLink links={links} defaultName={session.user.displayName} />
      {created && (
        <section class="card" aria-labelledby="created-heading">
          <h2 id="created-heading" ref={readyHeading} tabIndex={-1}>
            {t.t('linkReady')}
          </h2>
          <p>{t.t('linkReadyHelp')}</p>
          <LinkShare url={created.url} name="created" />
        </section>
      )}
      <section aria-labelledby="all-links-heading">
        <div class="chat-header">
          <h2 id="all-links-heading">{t.t('yourLinks')}</h2>
          {anyOpen && (
            <button type="button" class="button button-danger" onClick={() => setConfirmAll(true)}>
              {t.t('revokeAll')}
            </button>
          )}
        </div>
        {revoked !== undefined && <p role="status">{t.t('revokedCount', { count: revoked })}</p>}
        {links.loaded.value && invites.length === 0 && <p class="muted">{t.t('noLinks')}</p>}
        <ul class="plain-list stack">
          {invites.map((invite) => (
            <LinkItem key={invite.id} invite={invite} links={links} />
          ))}
        </ul>
      </section>
      <ConfirmDialog
        open={confirmAll}
        title={t.t('revokeAllTitle')}
        confirmLabel={t.t('revokeAll')}
        cancelLabel={t.t('cancel')}
        danger
        onCancel={() => setConfirmAll(false)}
        onConfirm={() => {
          setConfirmAll(false);
          void links.revokeAll().then(setRevoked);
        }}
      >
        <p>{t.t('revokeAllBody')}</p>
      </ConfirmDialog>
    </main>
  );
}
