import { Screen } from '@knock/ui/Screen';
import { useGuestStrings } from '../use-guest-strings.js';

/** The proof of work and the claim, with honest progress (the counter is at most `max`). */
export function Joining({ attempts, max }: { attempts: number; max: number }) {
  const t = useGuestStrings();
  const percent = Math.min(99, Math.floor((attempts / max) * 100));
  return (
    <Screen title={t.t('preparing')}>
      <progress class="progress" max={100} value={percent} aria-label={t.t('preparing')} />
      {/* Announced in steps of ten: every percent would drown a screen reader. */}
      <p role="status">{t.t('preparingProgress', { percent: Math.floor(percent / 10) * 10 })}</p>
    </Screen>
  );
}
