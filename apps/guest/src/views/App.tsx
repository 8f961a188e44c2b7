import type { GuestModel } from '../guest-model.js';
import type { PageSettings } from '../page-settings.js';
import { useLazy } from './use-lazy.js';
import { Joining } from './Joining.js';
import { Choose, Closed, Loading, Mismatch, NoLink, Offline, Unavailable } from './Notices.js';
import { Welcome } from './Welcome.js';

/** The guest page: one screen at a time, as the model says. */
export function App({ model, settings }: { model: GuestModel; settings: PageSettings }) {
  const screen = model.screen.value;
  const chatView = useLazy(screen.kind === 'chat', () => import('./GuestChat.js'));
  switch (screen.kind) {
    case 'loading':
      return <Loading />;
    case 'no-link':
      return <NoLink />;
    case 'unavailable':
      return <Unavailable knocked={screen.knocked} model={model} />;
    case 'mismatch':
      return <Mismatch />;
    case 'offline':
      return <Offline model={model} />;
    case 'welcome':
      return (
        <Welcome
          link={screen.link}
          problem={screen.problem}
          settings={settings}
          onStart={(name) => void model.startChat(name)}
        />
      );
    case 'joining':
      return <Joining attempts={screen.attempts} max={screen.maxAttempts} />;
    case 'chat':
      return chatView ? <chatView.GuestChat session={screen.session} /> : <Loading />;
    case 'choose':
      return <Choose chats={screen.chats} model={model} />;
    case 'closed':
      return (
        <Closed
          how={screen.how}
          settings={settings}
          {...(screen.session && { session: screen.session })}
        />
      );
  }
}
