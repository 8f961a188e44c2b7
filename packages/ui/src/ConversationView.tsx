import type { ReadonlySignal } from '@preact/signals';
import type { ConnectionState } from '@knock/client/connection';
import { useEffect } from 'preact/hooks';
import type { ConversationModel } from './conversation-model.js';
import { Composer } from './Composer.js';
import { MessageList } from './MessageList.js';
import { useTranslator } from './use-translator.js';

export interface ConversationViewProps {
  model: ConversationModel;
  peerName: string;
  connection: ReadonlySignal<ConnectionState>;
  /** No sending, e.g. while the peer's new key waits for the user's check. */
  disabled?: boolean;
}

/** The messages, the peer's typing, the connection's state and the composer. */
export function ConversationView({
  model,
  peerName,
  connection,
  disabled = false,
}: ConversationViewProps) {
  const t = useTranslator();
  const count = model.messages.value.length;
  useEffect(() => {
    const seen = () => {
      if (document.visibilityState === 'visible') model.markSeen();
    };
    seen();
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, [model, count]);
  const state = connection.value;
  return (
    <div class="conversation">
      {state !== 'online' && (
        <p class="connection-note" role="status">
          {state === 'connecting' ? t.t('connecting') : t.t('offline')}
        </p>
      )}
      {model.undecryptable.value > 0 && (
        <p class="connection-note" role="status">
          {t.t('undecryptable')}
        </p>
      )}
      <MessageList model={model} peerName={peerName} />
      <p class="typing-note">{model.peerTyping.value ? t.t('typing', { name: peerName }) : ''}</p>
      <Composer
        onSend={(text) => model.send(text)}
        onTyping={() => model.typed()}
        disabled={disabled || model.closed.value !== undefined}
      />
    </div>
  );
}
