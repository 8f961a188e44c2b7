import { useTranslator } from '@knock/ui/use-translator';
import type { Translator } from '@knock/ui/i18n/translator';
import type { WebStrings } from './strings.js';

/** The page's translator, with the web app's own keys. */
export function useWebStrings(): Translator<WebStrings> {
  return useTranslator() as unknown as Translator<WebStrings>;
}
