import { Screen } from '@knock/ui/Screen';
import type { GuestModel } from '../guest-model.js';
import type { GuestEnding, GuestSession } from '../guest-session.js';
import type { PageSettings } from '../page-settings.js';
import type { SavedGuest } from '../saved-guests.js';
import { useGuestStrings } from '../use-guest-strings.js';
import { SaveTranscript } from './SaveTranscript.js';

export function Loading() {
  const t = useGuestStrings();
  return (
    <main class="page" aria-busy="true">
      <p role="status">{t.t('loading')}</p>
    </main>
  );
}

/** One screen for every link a guest cannot use (T23): no hint of which it is. */
export function Unavailable({ knocked, model }: { knocked: boolean; model: GuestModel }) {
  const t = useGuestStrings();
  return (
    <Screen title={t.t('unavailableTitle')}>
      <p>{t.t('unavailableBody')}</p>
      {knocked ? (
        <p role="status">{t.t('letThemKnowDone')}</p>
      ) : (
        <button type="button" class="button" onClick={() => void model.letThemKnow()}>
          {t.t('letThemKnow')}
        </button>
      )}
    </Screen>
  );
}

/** The bundle does not match the link (T3): a hard stop, with nothing to click through. */
export function Mismatch() {
  const t = useGuestStrings();
  return (
    <Screen title={t.t('mismatchTitle')} tone="warning">
      <p role="alert">{t.t('mismatchBody')}</p>
    </Screen>
  );
}

export function Offline({ model }: { model: GuestModel }) {
  const t = useGuestStrings();
  return (
    <Screen title={t.t('offlineTitle')}>
      <p>{t.t('offlineBody')}</p>
      <button type="button" class="button button-primary" onClick={() => void model.retry()}>
        {t.t('tryAgain')}
      </button>
    </Screen>
  );
}

export function NoLink() {
  const t = useGuestStrings();
  return (
    <Screen title={t.t('noLinkTitle')}>
      <p>{t.t('noLinkBody')}</p>
    </Screen>
  );
}

export function Choose({ chats, model }: { chats: SavedGuest[]; model: GuestModel }) {
  const t = useGuestStrings();
  return (
    <Screen title={t.t('chooseTitle')}>
      <p>{t.t('chooseBody')}</p>
      <ul class="stack">
        {chats.map((chat) => (
          <li key={chat.localId}>
            <button type="button" class="button" onClick={() => void model.resume(chat)}>
              <span dir="auto">{t.t('chatWith', { host: chat.hostName })}</span>
            </button>
          </li>
        ))}
      </ul>
    </Screen>
  );
}

const ENDING = {
  ended: ['endedTitle', 'endedBody'],
  expired: ['expiredTitle', 'expiredBody'],
  left: ['leftTitle', 'leftBody'],
} as const;

/** The chat is over: said plainly and neutrally (a block reads as an end, T30). */
export function Closed(props: {
  how: GuestEnding;
  session?: GuestSession;
  settings: PageSettings;
}) {
  const t = useGuestStrings();
  const [title, body] = ENDING[props.how];
  const canSave =
    props.session !== undefined && props.session.conversation.messages.value.length > 0;
  return (
    <Screen title={t.t(title)}>
      <p>{t.t(body, { days: props.settings.chatTtlDays })}</p>
      {canSave && props.session && (
        <>
          <p>{t.t('saveBeforeLeaving')}</p>
          <SaveTranscript session={props.session} />
        </>
      )}
    </Screen>
  );
}
