import { downloadText, transcriptText } from '@knock/ui/transcript';
import type { GuestSession } from '../guest-session.js';
import { useGuestStrings } from '../use-guest-strings.js';

/** "Save transcript": the conversation as a text file, made on this device. */
export function SaveTranscript({ session }: { session: GuestSession }) {
  const t = useGuestStrings();
  const host = session.saved.hostName;
  return (
    <button
      type="button"
      class="button"
      onClick={() =>
        downloadText(
          `knock-chat-${new Date().toISOString().slice(0, 10)}.txt`,
          transcriptText({
            title: t.t('transcriptTitle', { host }),
            messages: session.conversation.messages.value,
            you: `${session.saved.name} (${t.t('you')})`,
            peer: host,
            formatTime: (at) => t.dateTime(at),
          }),
        )
      }
    >
      {t.t('saveTranscript')}
    </button>
  );
}
