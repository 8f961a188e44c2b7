import { useEffect, useRef } from 'preact/hooks';
import { ConversationView } from '@knock/ui/ConversationView';
import type { Router } from '../router.js';
import type { UserSession } from '../user-session.js';
import { useWebStrings } from '../use-web-strings.js';
import { GuestActions } from './GuestActions.js';
import { IdentityStop } from './IdentityStop.js';
import { PeerName } from './PeerName.js';
import { SafetyNumber } from './SafetyNumber.js';

/** One chat: who it is with, its expiry, its decisions, the safety number, the conversation. */
export function Conversation(props: { session: UserSession; router: Router; chatId: string }) {
  const t = useWebStrings();
  const { session, chatId } = props;
  const chat = session.chats.get(chatId);
  const model = chat && session.conversation(chatId);
  const peerId = chat?.peer.id;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Focus lands on the chat opened (on a phone the list that had it is gone).
    heading.current?.focus();
  }, [chatId, chat === undefined]);
  useEffect(() => {
    session.chats.opened(chatId);
    if (peerId !== undefined) void session.identityAccepted(peerId);
    return () => session.chats.opened(undefined);
  }, [chatId, peerId]);
  if (!chat || !model) {
    return (
      <section class="pane-main">
        <p role="status">{session.chats.loaded.value ? t.t('chatGone') : t.t('loading')}</p>
      </section>
    );
  }
  const name = session.chats.nameOf(chat);
  const stopped = session.stopped.value.has(chat.peer.id);
  const expiresAt = model.expiresAt.value;
  return (
    <section class="pane-main conversation-pane" aria-labelledby="conversation-title">
      <header class="chat-header">
        <div>
          <h1 id="conversation-title" ref={heading} tabIndex={-1}>
            <PeerName client={session.client} chat={chat} />
          </h1>
          <p class="banner">{t.t('expiresIn', { when: t.relative(expiresAt - Date.now()) })}</p>
        </div>
        <div class="toolbar">
          <SafetyNumber session={session} peerId={chat.peer.id} name={name} />
          {chat.kind === 'guest' && chat.guest?.role === 'host' && (
            <GuestActions session={session} router={props.router} chat={chat} name={name} />
          )}
        </div>
      </header>
      {chat.guest?.state === 'request' && <p class="notice">{t.t('requestNotice')}</p>}
      {stopped && <IdentityStop session={session} peerId={chat.peer.id} name={name} />}
      <ConversationView
        model={model}
        peerName={name}
        connection={session.connection}
        disabled={stopped}
      />
    </section>
  );
}
