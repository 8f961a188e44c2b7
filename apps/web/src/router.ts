import { signal } from '@preact/signals';

/** The pages of the web app, from the address bar. */
export type Route =
  | { page: 'chats' }
  | { page: 'chat'; chatId: string }
  | { page: 'new-chat' }
  | { page: 'links' }
  | { page: 'sign-in' }
  | { page: 'sign-up' };

export function parseRoute(path: string): Route {
  const chat = /^\/chats\/([A-Za-z0-9_-]{22})$/.exec(path);
  if (chat) return { page: 'chat', chatId: chat[1]! };
  if (path === '/chats/new') return { page: 'new-chat' };
  if (path === '/links') return { page: 'links' };
  if (path === '/sign-in') return { page: 'sign-in' };
  if (path === '/sign-up') return { page: 'sign-up' };
  return { page: 'chats' };
}

export function pathOf(route: Route): string {
  switch (route.page) {
    case 'chat':
      return `/chats/${route.chatId}`;
    case 'new-chat':
      return '/chats/new';
    case 'links':
      return '/links';
    case 'sign-in':
      return '/sign-in';
    case 'sign-up':
      return '/sign-up';
    case 'chats':
      return '/';
  }
}

/** The current page as a signal; `go` changes it and the address bar (history entries kept). */
export class Router {
  readonly route = signal<Route>(parseRoute(location.pathname));

  constructor() {
    addEventListener('popstate', () => {
      this.route.value = parseRoute(location.pathname);
    });
  }

  go(route: Route, options: { replace?: boolean } = {}): void {
    const path = pathOf(route);
    if (location.pathname !== path) {
      if (options.replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    this.route.value = route;
  }

  /** For <a href> clicks: follows in-app links without reloading the page. */
  readonly follow = (event: MouseEvent, route: Route): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    this.go(route);
  };
}
