import { useState } from 'preact/hooks';
import type { UserSession } from '../user-session.js';
import { useWebStrings } from '../use-web-strings.js';

/**
 * The hard stop when a peer's key changed (T7): nothing is shown from or sent to them until the
 * user has compared the new safety number and accepted it.
 */
export function IdentityStop(props: { session: UserSession; peerId: string; name: string }) {
  const t = useWebStrings();
  const [number, setNumber] = useState<string | undefined>(undefined);
  const show = async () =>
    setNumber((await props.session.client.peerIdentity(props.peerId))?.safetyNumber);
  return (
    <section class="card card-warning identity-stop" role="alert" aria-labelledby="stop-title">
      <h2 id="stop-title">{t.t('keyChangedTitle', { name: props.name })}</h2>
      <p>{t.t('keyChangedBody', { name: props.name })}</p>
      {number === undefined ? (
        <button type="button" class="button" onClick={() => void show()}>
          {t.t('showNewSafetyNumber')}
        </button>
      ) : (
        <p class="safety-number" dir="ltr">
          {number}
        </p>
      )}
      <button
        type="button"
        class="button button-primary"
        onClick={() => void props.session.acceptIdentity(props.peerId)}
      >
        {t.t('acceptNewKey')}
      </button>
    </section>
  );
}
