import { useEffect, useRef } from 'preact/hooks';
import { statusOf, type ConversationModel } from './conversation-model.js';
import { MessageBubble } from './MessageBubble.js';
import { useTranslator } from './use-translator.js';

export interface MessageListProps {
  model: ConversationModel;
  peerName: string;
}

/**
 * The conversation as a live log: screen readers announce messages as they are added (politely),
 * not the history already there when it first renders, nor ticks changing.
 */
export function MessageList({ model, peerName }: MessageListProps) {
  const t = useTranslator();
  const end = useRef<HTMLLIElement>(null);
  const messages = model.messages.value;
  const delivered = model.peerDelivered.value;
  const read = model.peerRead.value;
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length]);
  return (
    <div class="message-scroller">
      {messages.length === 0 && <p class="empty-note">{t.t('noMessages')}</p>}
      <div role="log" aria-label={t.t('messages')} aria-relevant="additions">
        <ol class="message-list">
          {messages.map((entry) => (
            <MessageBubble
              key={entry.clientMessageId}
              entry={entry}
              author={entry.own ? t.t('you') : peerName}
              status={entry.own ? statusOf(entry, delivered, read) : undefined}
            />
          ))}
          <li ref={end} class="list-end" aria-hidden="true" />
        </ol>
      </div>
    </div>
  );
}
