import type { HistoryEntry } from '@knock/client/history';

/** A conversation as plain text, one message per paragraph, for "Save transcript". */
export function transcriptText(options: {
  title: string;
  messages: readonly HistoryEntry[];
  you: string;
  peer: string;
  formatTime: (at: number) => string;
}): string {
  const lines = [options.title, ''];
  for (const message of options.messages) {
    const who = message.own ? options.you : options.peer;
    lines.push(`[${options.formatTime(message.sentAt)}] ${who}:`, message.text, '');
  }
  return lines.join('\n');
}

/** Offers `text` as a file download; nothing leaves the device. */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
