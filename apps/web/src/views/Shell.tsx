import { useEffect, useRef } from 'preact/hooks';
import type { AccountModel } from '../account-model.js';
import type { Route, Router } from '../router.js';
import type { UserSession } from '../user-session.js';
import { useWebStrings } from '../use-web-strings.js';
import { ChatList } from './ChatList.js';
import { Conversation } from './Conversation.js';
import { Links } from './Links.js';
import { NewChat } from './NewChat.js';

/** The signed-in app: navigation, the chat list beside the page, and a status line. */
export function Shell(props: { account: AccountModel; session: UserSession; router: Router }) {
  const t = useWebStrings();
  const { session, router } = props;
  const route = router.route.value;
  const closed = session.chats.lastClosed.value;
  const main = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (route.page === 'chats') document.title = t.t('chats');
  }, [route.page]);
  const nav = (label: string, to: Route, href: string) => (
    <a
      class="nav-link"
      href={href}
      aria-current={route.page === to.page ? 'page' : undefined}
      onClick={(event) => router.follow(event, to)}
    >
      {label}
    </a>
  );
  return (
    <div class="shell" data-page={route.page}>
      <a class="skip-link" href="#main">
        {t.t('skipToContent')}
      </a>
      <header class="app-header">
        <span class="app-name">Knock</span>
        <nav aria-label={t.t('mainNav')} class="toolbar">
          {nav(t.t('chats'), { page: 'chats' }, '/')}
          {nav(t.t('newChat'), { page: 'new-chat' }, '/chats/new')}
          {nav(t.t('links'), { page: 'links' }, '/links')}
        </nav>
        <span class="muted signed-in-as">
          <bdi>{session.user.displayName || session.user.username}</bdi>
        </span>
        <button type="button" class="button" onClick={() => void props.account.signOut()}>
          {t.t('signOut')}
        </button>
      </header>
      <p class="visually-hidden" role="status">
        {closed ? t.t(`closed_${closed.reason}`, { name: closed.name }) : ''}
      </p>
      <div class="split" id="main" ref={main} tabIndex={-1}>
        {(route.page === 'chats' || route.page === 'chat') && (
          <ChatList session={session} router={router} />
        )}
        {route.page === 'chat' && (
          <Conversation session={session} router={router} chatId={route.chatId} />
        )}
        {route.page === 'chats' && (
          <section class="pane-main pane-empty">
            <h1 class="visually-hidden">{t.t('chats')}</h1>
            {closed && (
              <p class="notice">{t.t(`closed_${closed.reason}`, { name: closed.name })}</p>
            )}
            <p class="muted">{t.t('chooseChat')}</p>
          </section>
        )}
        {route.page === 'new-chat' && <NewChat session={session} router={router} />}
        {route.page === 'links' && <Links session={session} />}
      </div>
    </div>
  );
}
