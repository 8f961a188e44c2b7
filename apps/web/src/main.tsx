import '@knock/ui/base.css';
import './web.css';
import { render } from 'preact';
import { directionOf, pickLocale } from '@knock/ui/i18n/locale';
import { Translator } from '@knock/ui/i18n/translator';
import { TranslatorContext } from '@knock/ui/use-translator';
import { AccountModel } from './account-model.js';
import { browserPlatform } from './browser-platform.js';
import { Router } from './router.js';
import { webStrings } from './strings.js';
import { App } from './views/App.js';

const locale = pickLocale(navigator.languages);
document.documentElement.lang = locale;
document.documentElement.dir = directionOf(locale);
const translator = new Translator(locale, webStrings);
document.title = 'Knock';

const router = new Router();
const account = new AccountModel(browserPlatform());
const root = document.getElementById('app');
if (root) {
  render(
    <TranslatorContext.Provider value={translator as never}>
      <App account={account} router={router} />
    </TranslatorContext.Provider>,
    root,
  );
}
void account.start();
