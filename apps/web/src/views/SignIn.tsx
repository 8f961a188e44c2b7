import { useState } from 'preact/hooks';
import { Screen } from '@knock/ui/Screen';
import type { AccountModel } from '../account-model.js';
import type { Router } from '../router.js';
import { useWebStrings } from '../use-web-strings.js';
import { problemText } from './problem-text.js';
import { FormProblem } from '@knock/ui/FormProblem';

/** Sign in, or (with `signUp`) create an account and sign in. */
export function SignIn(props: { account: AccountModel; router: Router; signUp: boolean }) {
  const t = useWebStrings();
  const { signUp } = props;
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const short = signUp && password.length > 0 && password.length < 10;
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      if (signUp) await props.account.signUp(username.trim(), displayName.trim(), password);
      else await props.account.signIn(username.trim(), password);
      props.router.go({ page: 'chats' }, { replace: true });
    } catch (error) {
      setProblem(problemText(t, error));
    } finally {
      setBusy(false);
    }
  };
  const other = signUp
    ? { text: t.t('haveAccount'), route: { page: 'sign-in' as const }, href: '/sign-in' }
    : { text: t.t('noAccount'), route: { page: 'sign-up' as const }, href: '/sign-up' };
  return (
    <Screen title={signUp ? t.t('signUp') : t.t('signIn')}>
      <form onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for="username">{t.t('username')}</label>
          <input
            id="username"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            required
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
          {signUp && (
            <span class="muted" id="username-hint">
              {t.t('usernameHint')}
            </span>
          )}
        </div>
        {signUp && (
          <div class="field">
            <label for="display-name">{t.t('displayName')}</label>
            <input
              id="display-name"
              autoComplete="name"
              dir="auto"
              maxLength={64}
              value={displayName}
              onInput={(event) => setDisplayName(event.currentTarget.value)}
            />
          </div>
        )}
        <div class="field">
          <label for="password">{t.t('password')}</label>
          <input
            id="password"
            type="password"
            autoComplete={signUp ? 'new-password' : 'current-password'}
            required
            value={password}
            aria-describedby={signUp ? 'password-hint' : undefined}
            aria-invalid={short ? 'true' : undefined}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
          {signUp && (
            <span id="password-hint" class={short ? 'field-error' : 'muted'}>
              {t.t('passwordHint')}
            </span>
          )}
        </div>
        <FormProblem text={problem} />
        <button
          type="submit"
          class="button button-primary"
          disabled={busy || username.trim() === '' || password === '' || short}
        >
          {signUp ? t.t('signUp') : t.t('signIn')}
        </button>
      </form>
      <p>
        <a href={other.href} onClick={(event) => props.router.follow(event, other.route)}>
          {other.text}
        </a>
      </p>
    </Screen>
  );
}
