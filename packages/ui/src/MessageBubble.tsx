import type { HistoryEntry } from '@knock/client/history';
import type { DeliveryStatus } from './conversation-model.js';
import { memo } from './memo.js';
import { useTranslator } from './use-translator.js';

const STATUS_KEY = {
  pending: 'statusPending',
  sent: 'statusSent',
  delivered: 'statusDelivered',
  read: 'statusRead',
  failed: 'statusFailed',
} as const;

const TICKS: Record<DeliveryStatus, string> = {
  pending: '◷',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '!',
};

export interface MessageBubbleProps {
  entry: HistoryEntry;
  /** Who wrote it, for screen readers (the bubble's side shows it to everyone else). */
  author: string;
  status: DeliveryStatus | undefined;
}

/** One message, as text only (T34): names and messages are never parsed as HTML. */
function Bubble({ entry, author, status }: MessageBubbleProps) {
  const t = useTranslator();
  const failure =
    entry.failed === 'request_limit'
      ? t.t('failedRequestLimit')
      : entry.failed !== undefined
        ? t.t('failedOther', { reason: entry.failed })
        : undefined;
  return (
    <li class={entry.own ? 'bubble bubble-own' : 'bubble'}>
      <span class="visually-hidden">{author}: </span>
      <p class="bubble-text" dir="auto">
        {entry.text}
      </p>
      <span class="bubble-meta">
        <time dateTime={new Date(entry.sentAt).toISOString()}>{t.time(entry.sentAt)}</time>
        {status && (
          <span class={`ticks ticks-${status}`} data-status={status}>
            <span aria-hidden="true">{TICKS[status]}</span>
            <span class="visually-hidden">{t.t(STATUS_KEY[status])}</span>
          </span>
        )}
      </span>
      {failure && (
        <span class="bubble-failure" role="alert">
          {failure}
        </span>
      )}
    </li>
  );
}

/** A bubble renders again only when its entry, status or author changed. */
export const MessageBubble = memo(
  Bubble,
  (a, b) => a.entry === b.entry && a.status === b.status && a.author === b.author,
);
