import { useState } from 'preact/hooks';
import { ConfirmDialog } from '@knock/ui/ConfirmDialog';
import { ConversationView } from '@knock/ui/ConversationView';
import { useEffect, useRef } from 'preact/hooks';
import type { GuestSession } from '../guest-session.js';
import { useGuestStrings } from '../use-guest-strings.js';
import { SaveTranscript } from './SaveTranscript.js';

/** The guest's chat: who it is with, the banner with the expiry, the conversation, the actions. */
export function GuestChat({ session }: { session: GuestSession }) {
  const t = useGuestStrings();
  const [confirming, setConfirming] = useState(false);
  const [ending, setEnding] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const host = session.saved.hostName;
  const expiresAt = session.conversation.expiresAt.value;
  useEffect(() => {
    heading.current?.focus();
    document.title = t.t('chatWith', { host });
  }, [host]);
  return (
    <main class="page chat-page">
      <header class="chat-header">
        <h1 ref={heading} tabIndex={-1} dir="auto">
          {host}
        </h1>
        <div class="toolbar">
          <SaveTranscript session={session} />
          <button
            type="button"
            class="button button-danger"
            disabled={ending}
            onClick={() => setConfirming(true)}
          >
            {t.t('endChat')}
          </button>
        </div>
      </header>
      <p class="banner">
        {t.t('guestBanner', { when: t.relative(expiresAt - Date.now()) })}
        {' · '}
        <span dir="auto">{t.t('guestBannerName', { name: session.saved.name })}</span>
      </p>
      <ConversationView
        model={session.conversation}
        peerName={host}
        connection={session.connection}
      />
      <ConfirmDialog
        open={confirming}
        title={t.t('endChatConfirmTitle')}
        confirmLabel={t.t('endChatConfirm')}
        cancelLabel={t.t('cancel')}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          setEnding(true);
          session.endChat().catch(() => setEnding(false));
        }}
      >
        <p>{t.t('endChatConfirmBody')}</p>
      </ConfirmDialog>
    </main>
  );
}
