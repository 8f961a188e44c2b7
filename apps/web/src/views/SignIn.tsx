import { useState } from 'preact/hooks';
import { Screen } from '@knock/ui/Screen';
import type { AccountModel } from '../account-model.js';
import type { Router } from '../router.js';
import { useWebStrings } from '../use-web-strings.js';
import { problemText } from './problem-text.js';
import { FormProblem } from '@knock/ui/FormProblem';
import { TextField } from '@knock/ui/TextField';

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
        <TextField
          id="username"
          label={t.t('username')}
          value={username}
          onValue={setUsername}
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          required
          hint={signUp ? t.t('usernameHint') : undefined}
        />
        {signUp && (
          <TextField
            id="display-name"
            label={t.t('displayName')}
            value={displayName}
            onValue={setDisplayName}
            autoComplete="name"
            dir="auto"
            maxLength={64}
          />
        )}
        <TextField
          id="password"
          label={t.t('password')}
          type="password"
          value={password}
          onValue={setPassword}
          autoComplete={signUp ? 'new-password' : 'current-password'}
          required
          hint={signUp ? t.t('passwordHint') : undefined}
          invalid={short}
        />
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
