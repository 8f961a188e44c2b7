import type { ChatSummary } from '@knock/protocol/http';
import type { Router } from '../router.js';
import type { UserSession } from '../user-session.js';
import { useWebStrings } from '../use-web-strings.js';
import { PeerName } from './PeerName.js';

/** The chats: new guest chats under Requests first, then the rest by last activity. */
export function ChatList({ session, router }: { session: UserSession; router: Router }) {
  const t = useWebStrings();
  const { requests, others, loaded } = session.chats;
  const route = router.route.value;
  const current = route.page === 'chat' ? route.chatId : undefined;
  const item = (chat: ChatSummary) => (
    <li key={chat.id}>
      <a
        class="chat-item"
        href={`/chats/${chat.id}`}
        aria-current={chat.id === current ? 'page' : undefined}
        onClick={(event) => router.follow(event, { page: 'chat', chatId: chat.id })}
      >
        <PeerName client={session.client} chat={chat} />
        <span class="chat-item-meta">
          {chat.guest?.state === 'ignored' && chat.guest.role === 'host' && (
            <span class="muted">{t.t('ignored')}</span>
          )}
          <time class="muted" dateTime={new Date(chat.lastActivityAt).toISOString()}>
            {t.dateTime(chat.lastActivityAt)}
          </time>
          {chat.unreadCount > 0 && (
            <span class="unread">
              <span aria-hidden="true">{chat.unreadCount}</span>
              <span class="visually-hidden">{t.t('unread', { count: chat.unreadCount })}</span>
            </span>
          )}
        </span>
      </a>
    </li>
  );
  return (
    <nav class="chat-list" aria-label={t.t('chats')}>
      {requests.value.length > 0 && (
        <section aria-labelledby="requests-heading">
          <h2 id="requests-heading">{t.t('requests')}</h2>
          <ul class="plain-list">{requests.value.map(item)}</ul>
        </section>
      )}
      <section aria-labelledby="chats-heading">
        <h2 id="chats-heading">{t.t('chats')}</h2>
        {loaded.value && others.value.length === 0 && <p class="muted">{t.t('noChats')}</p>}
        <ul class="plain-list">{others.value.map(item)}</ul>
      </section>
    </nav>
  );
}
