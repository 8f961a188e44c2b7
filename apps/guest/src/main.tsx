import '@knock/ui/base.css';
import { render } from 'preact';
import { directionOf, pickLocale } from '@knock/ui/i18n/locale';
import { Translator } from '@knock/ui/i18n/translator';
import { TranslatorContext } from '@knock/ui/use-translator';
import { takeFragment } from './fragment.js';
import { browserPlatform } from './browser-platform.js';
import { GuestModel } from './guest-model.js';
import { readPageSettings } from './page-settings.js';
import { guestStrings } from './strings.js';
import { App } from './views/App.js';

// First of all: the link's secret leaves the address bar (and history) before anything else runs.
const fragment = takeFragment(location, history);

const locale = pickLocale(navigator.languages);
document.documentElement.lang = locale;
document.documentElement.dir = directionOf(locale);
const translator = new Translator(locale, guestStrings);
document.title = translator.t('appTitle');

const model = new GuestModel(browserPlatform(), fragment);
const root = document.getElementById('app');
if (root) {
  render(
    <TranslatorContext.Provider value={translator as never}>
      <App model={model} settings={readPageSettings(document)} />
    </TranslatorContext.Provider>,
    root,
  );
}
void model.start();
