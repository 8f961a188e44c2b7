import { useState } from 'preact/hooks';
import { useTranslator } from './use-translator.js';
import { FormProblem } from './FormProblem.js';

/** Most characters a message may have: well inside the server's payload limit once encrypted. */
export const MAX_MESSAGE_CHARS = 4000;

export interface ComposerProps {
  onSend: (text: string) => Promise<void> | void;
  onTyping: () => void;
  disabled?: boolean;
}

/** "Message" and "Send": Enter sends, Shift+Enter starts a new line. */
export function Composer({ onSend, onTyping, disabled = false }: ComposerProps) {
  const t = useTranslator();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const submit = (event?: Event) => {
    event?.preventDefault();
    if (text.trim() === '' || disabled) return;
    const sending = text;
    setText('');
    setProblem(undefined);
    // A message that could not even be queued comes back into the field: nothing is lost.
    Promise.resolve(onSend(sending)).catch((error: unknown) => {
      setText(sending);
      setProblem(t.t('failedOther', { reason: error instanceof Error ? error.message : '' }));
    });
  };
  return (
    <form class="composer" onSubmit={submit}>
      <textarea
        class="composer-input"
        aria-label={t.t('message')}
        placeholder={t.t('message')}
        rows={1}
        dir="auto"
        maxLength={MAX_MESSAGE_CHARS}
        value={text}
        disabled={disabled}
        onInput={(event) => {
          setText(event.currentTarget.value);
          onTyping();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
        }}
      />
      <button type="submit" class="button button-primary" disabled={disabled || text.trim() === ''}>
        {t.t('send')}
      </button>
      <FormProblem text={problem} class="composer-problem" />
    </form>
  );
}
