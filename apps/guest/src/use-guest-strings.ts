import { useTranslator } from '@knock/ui/use-translator';
import type { Translator } from '@knock/ui/i18n/translator';
import type { GuestStrings } from './strings.js';

/** The page's translator, with the guest page's own keys. */
export function useGuestStrings(): Translator<GuestStrings> {
  return useTranslator() as unknown as Translator<GuestStrings>;
}
