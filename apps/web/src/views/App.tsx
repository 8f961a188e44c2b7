import { Screen } from '@knock/ui/Screen';
import type { AccountModel } from '../account-model.js';
import type { Router } from '../router.js';
import { useWebStrings } from '../use-web-strings.js';
import { Shell } from './Shell.js';
import { SignIn } from './SignIn.js';

/** The web app: signing in, or the signed-in shell. */
export function App({ account, router }: { account: AccountModel; router: Router }) {
  const t = useWebStrings();
  const state = account.state.value;
  switch (state.kind) {
    case 'loading':
      return (
        <main class="page" aria-busy="true">
          <p role="status">{t.t('loading')}</p>
        </main>
      );
    case 'failed':
      return (
        <Screen title={t.t('unreachableTitle')}>
          <p>{t.t('unreachableBody')}</p>
          <button type="button" class="button button-primary" onClick={() => void account.start()}>
            {t.t('tryAgain')}
          </button>
        </Screen>
      );
    case 'signed-out':
      return (
        <SignIn account={account} router={router} signUp={router.route.value.page === 'sign-up'} />
      );
    case 'keys-elsewhere':
      return (
        <Screen title={t.t('keysElsewhereTitle')}>
          <p>{t.t('keysElsewhereBody')}</p>
          <div class="toolbar">
            <button
              type="button"
              class="button button-primary"
              onClick={() => void account.takeOver()}
            >
              {t.t('useThisBrowser')}
            </button>
            <button type="button" class="button" onClick={() => void account.signOut()}>
              {t.t('signOut')}
            </button>
          </div>
        </Screen>
      );
    case 'signed-in':
      return <Shell account={account} session={state.session} router={router} />;
  }
}
