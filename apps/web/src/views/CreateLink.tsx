import { useState } from 'preact/hooks';
import type { CreateInviteOptions } from '@knock/client/host-invites';
import { MAX_INVITE_LABEL_LENGTH } from '@knock/protocol/invites';
import type { LinksModel } from '../links-model.js';
import { useWebStrings } from '../use-web-strings.js';
import { problemText } from './problem-text.js';
import { FormProblem } from '@knock/ui/FormProblem';
import { TextField } from '@knock/ui/TextField';

const HOUR = 3_600_000;
const EXPIRIES = {
  never: 0,
  hour: HOUR,
  day: 24 * HOUR,
  week: 7 * 24 * HOUR,
  month: 30 * 24 * HOUR,
};
type Expiry = keyof typeof EXPIRIES;

/** "Create link": one-time or reusable, a label for the host, the name guests see, limits. */
export function CreateLink({ links, defaultName }: { links: LinksModel; defaultName: string }) {
  const t = useWebStrings();
  const [reusable, setReusable] = useState(false);
  const [label, setLabel] = useState('');
  const [displayName, setDisplayName] = useState(defaultName);
  const [expiry, setExpiry] = useState<Expiry>('never');
  const [maxUses, setMaxUses] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const uses = Number(maxUses);
  const usesValid = maxUses === '' || (Number.isInteger(uses) && uses >= 1 && uses <= 10_000);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!usesValid) return;
    setBusy(true);
    setProblem(undefined);
    const options: CreateInviteOptions = {
      displayName: displayName.trim(),
      reusable,
      ...(label.trim() !== '' && { label: label.trim() }),
      ...(expiry !== 'never' && { expiresAt: Date.now() + EXPIRIES[expiry] }),
      ...(reusable && maxUses !== '' && { maxUses: uses }),
    };
    try {
      await links.create(options);
      setLabel('');
    } catch (error) {
      setProblem(problemText(t, error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card create-link" onSubmit={(event) => void submit(event)}>
      <h2>{t.t('newLink')}</h2>
      <fieldset class="field">
        <legend>{t.t('linkKind')}</legend>
        <label class="checkbox">
          <input type="radio" name="kind" checked={!reusable} onChange={() => setReusable(false)} />
          {t.t('oneTime')}
        </label>
        <label class="checkbox">
          <input type="radio" name="kind" checked={reusable} onChange={() => setReusable(true)} />
          {t.t('reusable')}
        </label>
      </fieldset>
      <TextField
        id="link-display-name"
        label={t.t('linkDisplayName')}
        value={displayName}
        onValue={setDisplayName}
        dir="auto"
        maxLength={64}
      />
      <TextField
        id="link-label"
        label={t.t('linkLabel')}
        value={label}
        onValue={setLabel}
        dir="auto"
        maxLength={MAX_INVITE_LABEL_LENGTH}
        hint={t.t('linkLabelHint')}
      />
      <div class="field">
        <label for="link-expiry">{t.t('linkExpiry')}</label>
        <select
          id="link-expiry"
          value={expiry}
          onChange={(event) => setExpiry(event.currentTarget.value as Expiry)}
        >
          <option value="never">{t.t('expiryNever')}</option>
          <option value="hour">{t.t('expiryHour')}</option>
          <option value="day">{t.t('expiryDay')}</option>
          <option value="week">{t.t('expiryWeek')}</option>
          <option value="month">{t.t('expiryMonth')}</option>
        </select>
      </div>
      {reusable && (
        <TextField
          id="link-max-uses"
          label={t.t('linkMaxUses')}
          type="number"
          value={maxUses}
          onValue={setMaxUses}
          min={1}
          max={10000}
          hint={t.t('linkMaxUsesHint')}
          invalid={!usesValid}
        />
      )}
      <FormProblem text={problem} />
      <button
        type="submit"
        class="button button-primary"
        disabled={busy || displayName.trim() === '' || !usesValid}
      >
        {t.t('createLink')}
      </button>
    </form>
  );
}
