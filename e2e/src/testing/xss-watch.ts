import type { BrowserContext, Locator, Page } from 'playwright-core';
import { SENTINEL } from './xss-vectors.js';

/**
 * Everything in one browser context that would show an XSS vector did more than show as text
 * (T34): sentinel calls, dialogs, CSP violations, requests and navigations away from the server,
 * frames and popups, script errors.
 */
export interface XssWatch {
  /** One line per finding, labelled by kind; empty when nothing happened. */
  findings(): string[];
}

/**
 * The few browser globals the functions that run in the page use (the e2e suites compile without
 * the DOM library, so they are declared here, as far as they are used).
 */
export interface PageGlobals {
  readonly document: PageDocument;
  alert(message: string): void;
  open(url: string): unknown;
  knockXssCsp(report: string): void;
}

export interface PageDocument {
  readonly body: PageNode;
  readonly activeElement: unknown;
  getElementById(id: string): PageNode | null;
  addEventListener(type: string, listener: (event: CspEvent) => void, capture: boolean): void;
}

/** A DOM node or element, as far as these checks read it. */
export interface PageNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly localName: string;
  readonly className: string;
  readonly namespaceURI: string | null;
  readonly outerHTML: string;
  readonly textContent: string | null;
  readonly childElementCount: number;
  readonly childNodes: ArrayLike<PageNode>;
  readonly parentElement: PageNode | null;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
  closest(selector: string): PageNode | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
  insertAdjacentHTML(position: string, html: string): void;
}

interface CspEvent {
  readonly violatedDirective: string;
  readonly blockedURI: string;
  readonly documentURI: string;
  readonly sample: string;
}

/**
 * Arms `context` before any of its pages runs a script: `knockXss(id)` records its caller, every
 * `securitypolicyviolation` is reported, dialogs are recorded and dismissed, and any request,
 * WebSocket, frame or navigation to somewhere other than `serverUrl`'s origin is recorded (and
 * requests to there are aborted, so nothing leaves the machine). Call it before `newPage`.
 */
export async function watchContext(context: BrowserContext, serverUrl: string): Promise<XssWatch> {
  const origin = new URL(serverUrl).origin;
  const found: string[] = [];
  const foreign = (url: string) => {
    if (url === 'about:blank') return false;
    try {
      return new URL(url).origin !== origin;
    } catch {
      return true;
    }
  };

  await context.exposeBinding(SENTINEL, ({ frame }, id: unknown) => {
    found.push(`sentinel: ${SENTINEL}(${String(id)}) ran in ${frame.url()}`);
  });
  await context.exposeBinding('knockXssCsp', (_source, report: unknown) => {
    found.push(`csp: ${String(report)}`);
  });
  await context.addInitScript(() => {
    const page = globalThis as unknown as PageGlobals;
    page.document.addEventListener(
      'securitypolicyviolation',
      (event) => {
        page.knockXssCsp(
          `${event.violatedDirective} blocked ${event.blockedURI} in ${event.documentURI}: ${event.sample}`,
        );
      },
      true,
    );
  });
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      found.push(`request: ${route.request().method()} ${route.request().url()}`);
      return route.abort('blockedbyclient');
    },
  );
  context.on('request', (request) => {
    // The route above records (and aborts) http(s) requests elsewhere; this catches the schemes
    // that never reach a route, data: and blob: from another origin.
    const url = request.url();
    if (foreign(url) && !/^https?:/.test(url)) found.push(`request: ${url}`);
  });

  const watchPage = (page: Page) => {
    page.on('dialog', (dialog) => {
      found.push(`dialog: ${dialog.type()} ${dialog.message()}`);
      dialog.dismiss().catch(() => undefined);
    });
    page.on('frameattached', (frame) => found.push(`frame: attached ${frame.url()}`));
    page.on('framenavigated', (frame) => {
      if (foreign(frame.url())) found.push(`navigation: ${frame.url()}`);
    });
    page.on('websocket', (socket) => {
      if (foreign(socket.url().replace(/^ws/, 'http'))) found.push(`websocket: ${socket.url()}`);
    });
    page.on('pageerror', (error) => found.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      const text = message.text();
      // HTTP error answers are left out: an app asking whether it is signed in meets a 401.
      if (message.type() === 'error' && !text.startsWith('Failed to load resource')) {
        found.push(`console: ${text}`);
      }
    });
    void page.opener().then((opener) => {
      if (opener) found.push(`popup: ${page.url()}`);
    });
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);

  return { findings: () => [...found] };
}

/** What a text-only element holds: its text, and how many elements (there must be none). */
export interface Rendered {
  readonly text: string;
  readonly elements: number;
}

export function renderedTexts(locator: Locator): Promise<Rendered[]> {
  return locator.evaluateAll((nodes: PageNode[]) =>
    nodes.map((node) => ({ text: node.textContent ?? '', elements: node.childElementCount })),
  );
}

/**
 * Markup in the app's root that no view of Knock ever draws, but an injected vector would:
 * elements that run or load things, inline event handlers, script URLs, the forbidden origin.
 * One line per element found; empty when the page holds only what the views draw.
 */
export function injectedMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const root = document.getElementById('app') ?? document.body;
    const tags = new Set(
      (
        'script iframe frame frameset object embed applet base meta link style img image ' +
        'picture source video audio track math marquee template portal noscript xmp isindex ' +
        'keygen bgsound listing noembed noframes details xss x'
      ).split(' '),
    );
    const urlAttributes = new Set([
      'href',
      'xlink:href',
      'src',
      'srcset',
      'srcdoc',
      'action',
      'formaction',
      'data',
      'poster',
      'background',
      'dynsrc',
      'lowsrc',
      'code',
    ]);
    const found: string[] = [];
    for (const element of Array.from(root.querySelectorAll('*'))) {
      const name = element.localName;
      if (tags.has(name)) found.push(`<${name}> ${element.outerHTML.slice(0, 200)}`);
      if (element.namespaceURI === 'http://www.w3.org/2000/svg' && !element.closest('.qr-code')) {
        found.push(`<${name}> (svg) ${element.outerHTML.slice(0, 200)}`);
      }
      for (const attribute of Array.from(element.attributes)) {
        const value = attribute.value;
        if (/^on/i.test(attribute.name)) {
          found.push(`<${name} ${attribute.name}="${value.slice(0, 100)}">`);
        } else if (
          urlAttributes.has(attribute.name.toLowerCase()) &&
          (/^[\s\0]*(javascript|vbscript|data):/i.test(value) || value.includes('127.0.0.2'))
        ) {
          found.push(`<${name} ${attribute.name}="${value.slice(0, 100)}">`);
        }
      }
    }
    return found;
  });
}
