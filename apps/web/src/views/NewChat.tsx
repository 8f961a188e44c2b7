import { useState } from 'preact/hooks';
import { Screen } from '@knock/ui/Screen';
import type { Router } from '../router.js';
import type { UserSession } from '../user-session.js';
import { useWebStrings } from '../use-web-strings.js';
import { problemText } from './problem-text.js';
import { FormProblem } from '@knock/ui/FormProblem';

/** A chat with a registered user, by username. */
export function NewChat({ session, router }: { session: UserSession; router: Router }) {
  const t = useWebStrings();
  const [username, setUsername] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const chat = await session.client.startChat(username.trim());
      await session.chats.refresh(chat.id);
      router.go({ page: 'chat', chatId: chat.id });
    } catch (error) {
      setProblem(problemText(t, error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Screen title={t.t('newChat')}>
      <form onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for="new-chat-username">{t.t('username')}</label>
          <input
            id="new-chat-username"
            autoComplete="off"
            autoCapitalize="none"
            spellcheck={false}
            value={username}
            aria-invalid={problem ? 'true' : undefined}
            aria-describedby={problem ? 'new-chat-problem' : undefined}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
        </div>
        <FormProblem text={problem} id="new-chat-problem" />
        <button
          type="submit"
          class="button button-primary"
          disabled={busy || username.trim() === ''}
        >
          {t.t('startChatWith')}
        </button>
      </form>
    </Screen>
  );
}
