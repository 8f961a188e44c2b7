import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConversationStrings } from './i18n/conversation-strings.js';
import type { Translator } from './i18n/translator.js';

/** The translator of the page; every app's catalogue includes the conversation strings. */
export const TranslatorContext = createContext<Translator<ConversationStrings> | undefined>(
  undefined,
);

export function useTranslator(): Translator<ConversationStrings> {
  const translator = useContext(TranslatorContext);
  if (!translator) throw new Error('Render inside <TranslatorContext.Provider>.');
  return translator;
}
