import { normaliseGuestName, type GuestNameRefusal } from '@knock/protocol/guest-name';
import { useState } from 'preact/hooks';
import { Screen } from '@knock/ui/Screen';
import type { OpenedGuestLink } from '@knock/client/guest-link-open';
import type { JoinProblem } from '../guest-model.js';
import type { PageSettings } from '../page-settings.js';
import { useGuestStrings } from '../use-guest-strings.js';
import { FormProblem } from '@knock/ui/FormProblem';

const REFUSAL_KEY: Record<
  GuestNameRefusal,
  'nameEmpty' | 'nameTooLong' | 'nameForbidden' | 'nameHost' | 'nameReserved'
> = {
  empty: 'nameEmpty',
  too_long: 'nameTooLong',
  forbidden_character: 'nameForbidden',
  impersonates_host: 'nameHost',
  reserved: 'nameReserved',
};

export interface WelcomeProps {
  link: OpenedGuestLink;
  problem: JoinProblem | undefined;
  settings: PageSettings;
  onStart: (name: string) => void;
}

/**
 * Who invited the guest, what the chat is, and the two things needed to start it. Nothing is
 * claimed until "Start chat" (T24): link scanners that open the page consume nothing.
 */
export function Welcome({ link, problem, settings, onStart }: WelcomeProps) {
  const t = useGuestStrings();
  const [accepted, setAccepted] = useState(false);
  const [name, setName] = useState('');
  const [refusal, setRefusal] = useState<GuestNameRefusal | undefined>(undefined);
  const host = link.hostName;
  const check = normaliseGuestName(name, { hostNames: [host] });
  const nameError = refusal
    ? t.t(REFUSAL_KEY[refusal])
    : problem?.kind === 'name'
      ? problem.message
      : undefined;
  const problemText =
    problem?.kind === 'busy'
      ? t.t('problemBusy')
      : problem?.kind === 'network'
        ? t.t('problemNetwork')
        : problem?.kind === 'other'
          ? t.t('problemOther', { message: problem.message })
          : undefined;
  const submit = (event: Event) => {
    event.preventDefault();
    if (!check.ok) {
      setRefusal(check.reason);
      document.getElementById('guest-name')?.focus();
      return;
    }
    onStart(check.name);
  };
  return (
    <Screen title={t.t('invitedBy', { host })}>
      <ul class="stack welcome-facts">
        <li>{t.t('encrypted', { host })}</li>
        <li>{check.ok ? t.t('appearAs', { name: check.name }) : t.t('appearAsPlaceholder')}</li>
        <li>{t.t('expiryRule', { days: settings.chatTtlDays })}</li>
        {link.linkExpiresAt !== null && (
          <li>{t.t('linkExpires', { when: t.relative(link.linkExpiresAt - Date.now()) })}</li>
        )}
      </ul>
      <FormProblem text={problemText} />
      <form onSubmit={submit} noValidate>
        <p>
          <a href={settings.termsUrl} target="_blank" rel="noopener noreferrer">
            {t.t('terms')}
          </a>
        </p>
        <label class="checkbox">
          <input
            type="checkbox"
            checked={accepted}
            onChange={(event) => setAccepted(event.currentTarget.checked)}
          />
          {t.t('acceptTerms')}
        </label>
        <div class="field">
          <label for="guest-name">{t.t('yourName')}</label>
          <input
            id="guest-name"
            type="text"
            autoComplete="nickname"
            dir="auto"
            maxLength={200}
            value={name}
            aria-invalid={nameError ? 'true' : undefined}
            aria-describedby={nameError ? 'guest-name-hint guest-name-error' : 'guest-name-hint'}
            onInput={(event) => {
              setName(event.currentTarget.value);
              setRefusal(undefined);
            }}
          />
          <span id="guest-name-hint" class="muted">
            {t.t('nameHint')}
          </span>
          {nameError && (
            <p id="guest-name-error" class="field-error">
              {nameError}
            </p>
          )}
        </div>
        <button
          type="submit"
          class="button button-primary"
          disabled={!accepted || name.trim() === ''}
        >
          {t.t('startChat')}
        </button>
      </form>
    </Screen>
  );
}
