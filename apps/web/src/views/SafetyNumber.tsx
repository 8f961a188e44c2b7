import { useEffect, useRef, useState } from 'preact/hooks';
import type { UserSession } from '../user-session.js';
import { useWebStrings } from '../use-web-strings.js';

/** "Safety number": the number both sides compare to know no one is in between (T7). */
export function SafetyNumber(props: { session: UserSession; peerId: string; name: string }) {
  const t = useWebStrings();
  const dialog = useRef<HTMLDialogElement>(null);
  const [number, setNumber] = useState<string | undefined>(undefined);
  const open = async () => {
    const identity = await props.session.client.peerIdentity(props.peerId);
    setNumber(identity?.safetyNumber);
    dialog.current?.showModal();
  };
  useEffect(() => () => dialog.current?.close(), []);
  return (
    <>
      <button type="button" class="button" onClick={() => void open()}>
        {t.t('safetyNumber')}
      </button>
      <dialog ref={dialog} aria-labelledby="safety-title">
        <h2 id="safety-title">{t.t('safetyNumberWith', { name: props.name })}</h2>
        {number ? (
          <p class="safety-number" dir="ltr">
            {number}
          </p>
        ) : (
          <p>{t.t('safetyNumberNone')}</p>
        )}
        <p>{t.t('safetyNumberHelp', { name: props.name })}</p>
        <button type="button" class="button" onClick={() => dialog.current?.close()}>
          {t.t('close')}
        </button>
      </dialog>
    </>
  );
}
