/**
 * (7) The guest page in Chromium: a guest opens a host's link on a phone-sized screen, starts the
 * chat (a proof of work at the server's production difficulty, solved in the page's Worker), and
 * the host's SDK client, in this process as a host's web app would run it, opens the first
 * message. Each round has a fresh one-time link and a fresh browser context (nothing cached).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { KnockClient } from '@knock/client/knock-client';
import { MemoryKeyStore } from '@knock/client/memory-key-store';
import { createNodeSocketFactory } from '@knock/client/ws-adapter.node';
import { webCryptoBackend } from '@knock/crypto/webcrypto-backend';
import type { Browser, Page, Request } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from './chromium.js';
import { OPEN_CLAIM_LIMITS } from './claims-scenario.js';
import { summarizeGuestPage, tallyTransfers, type TransferEntry } from './guest-page-stats.js';
import { clockTicksPerSecond, describeProcess, parseProcStat } from './proc.js';
import { waitForQuiet } from './quiet.js';
import type { GuestPageRecord, GuestPageRound } from './results.js';
import { Sampler } from './sampler.js';
import type { ScenarioContext } from './scenarios.js';
import { startKnock, type Target } from './targets.js';

/** Most guests open their link on a phone. */
export const PHONE_VIEWPORT = { width: 360, height: 740 } as const;
const LOCALE = 'en-GB';
const HOST_USERNAME = 'guest_page_host';
const HOST_PASSWORD = 'bench-password-123';
const HOST_NAME = 'Ana’s Bakery';
const WARMUP_ROUNDS = 1;
/** Any single wait of a round (the proof takes under a second here, seconds on a slow phone). */
const ROUND_TIMEOUT_MS = 60_000;

/**
 * Every guest comes from 127.0.0.1 and a round takes a few seconds, so the per-IP guest limits
 * (10 claims, 30 challenges, 60 bundle fetches a minute) are lifted. The proof of work keeps its
 * production difficulty: no `KNOCK_POW_*` is set (startKnock drops any from the environment).
 */
const GUEST_PAGE_LIMITS: Readonly<Record<string, string>> = {
  ...OPEN_CLAIM_LIMITS,
  KNOCK_LIMIT_INVITE_FETCHES_PER_IP_MINUTE: '10000000',
};

/**
 * Runs in the page before its own scripts: notes when the welcome heading enters the DOM (on the
 * page's clock, milliseconds since its navigation started) and when "Start chat" gets its click
 * (milliseconds since the epoch, to compare with Chromium's request times and this process's
 * clock). A string, as it runs in the browser.
 */
const WATCH_PAGE = `(() => {
  const marks = (globalThis.__knockBench = { welcome: undefined, click: undefined });
  const observer = new MutationObserver(() => {
    for (const heading of document.querySelectorAll('h1')) {
      if ((heading.textContent || '').endsWith('invited you to chat')) {
        marks.welcome = performance.now();
        observer.disconnect();
        return;
      }
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  document.addEventListener('click', (event) => {
    const target = event.target;
    if (marks.click === undefined && target && target.closest && target.closest('button[type=submit]')) {
      marks.click = performance.timeOrigin + performance.now();
    }
  }, true);
})();`;

const READ_IN_PAGE = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const marks = globalThis.__knockBench || {};
  return {
    timeOrigin: performance.timeOrigin,
    domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : null,
    loadMs: nav ? nav.loadEventEnd : null,
    welcomeMs: marks.welcome ?? null,
    clickEpoch: marks.click ?? null,
  };
})()`;

export async function runGuestPage(ctx: ScenarioContext): Promise<GuestPageRecord> {
  const o = ctx.options;
  const browser = await launchChromium();
  if (!browser) {
    ctx.log(`guest page: skipped, no Chromium at ${CHROMIUM_PATH}`);
    return { available: false, reason: `no Chromium at ${CHROMIUM_PATH}` };
  }
  try {
    if (o.waitQuietSeconds > 0) await waitForQuiet(o.waitQuietSeconds, 15, ctx.log);
    const target = await startKnock({
      databaseFile: ctx.databaseFile,
      serverMain: o.serverMain,
      nodeFlags: o.serverNodeFlags,
      env: GUEST_PAGE_LIMITS,
    });
    let host: KnockClient | undefined;
    try {
      const served = await fetch(`${target.httpUrl}/j`);
      await served.arrayBuffer();
      if (served.status !== 200) {
        throw new Error(
          `the server answers ${served.status} for /j: is the guest page built (npm run build)?`,
        );
      }
      host = await signInHost(target.httpUrl);
      const rounds: GuestPageRound[] = [];
      for (let round = 1 - WARMUP_ROUNDS; round <= o.guestRounds; round++) {
        if (round > 0 && o.waitQuietSeconds > 0) {
          await waitForQuiet(o.waitQuietSeconds, 15, ctx.log);
        }
        const measured = await runRound(browser, host, target, round).catch((error: unknown) => {
          throw new Error(`guest page round ${round}: ${String(error)}`, { cause: error });
        });
        const what = round > 0 ? `round ${round}` : 'warm-up';
        ctx.log(
          `guest page ${what}: welcome ${ms(measured.welcomeMs)}, Start chat enabled ` +
            `${ms(measured.enabledMs)}; click → host ${ms(measured.joinedMs)} (proof ` +
            `${ms(measured.solveMs)}, counter ${measured.proofCounter ?? '?'})` +
            (measured.problems.length > 0 ? `; page errors: ${measured.problems.join(' | ')}` : ''),
        );
        if (round > 0) rounds.push(measured);
      }
      return {
        available: true,
        chromiumVersion: browser.version(),
        viewport: { ...PHONE_VIEWPORT },
        warmupRounds: WARMUP_ROUNDS,
        rounds,
        summary: summarizeGuestPage(rounds),
      };
    } finally {
      await host?.close().catch(() => undefined);
      await target.stop();
    }
  } finally {
    await browser.close();
  }
}

/** The host: registered, signed in and connected through the SDK, with end-to-end keys. */
async function signInHost(serverUrl: string): Promise<KnockClient> {
  const client = new KnockClient({
    serverUrl,
    socketFactory: createNodeSocketFactory(),
    e2ee: { crypto: webCryptoBackend, keys: new MemoryKeyStore(), extractable: false },
  });
  await client.register(HOST_USERNAME, HOST_PASSWORD, 'Ana Lind');
  await client.login(HOST_USERNAME, HOST_PASSWORD, 'bench');
  await client.connect();
  return client;
}

type ApiCall = 'challenge' | 'claim';

/** The guest-claim calls the page makes, by their path. */
function apiCall(request: Request): ApiCall | undefined {
  if (request.method() !== 'POST') return undefined;
  const path = new URL(request.url()).pathname;
  const match = /^\/api\/invites\/[^/]+\/(challenge|claim)$/.exec(path);
  return match ? (match[1] as ApiCall) : undefined;
}

async function runRound(
  browser: Browser,
  host: KnockClient,
  target: Target,
  round: number,
): Promise<GuestPageRound> {
  const { url: link } = await host.invites.create({ displayName: HOST_NAME });
  const name = `Sam Doe ${Math.max(round, 0)}`;
  const context = await browser.newContext({ viewport: PHONE_VIEWPORT, locale: LOCALE });
  try {
    await context.addInitScript({ content: WATCH_PAGE });
    const page = await context.newPage();
    page.setDefaultTimeout(ROUND_TIMEOUT_MS);

    const requests: Request[] = [];
    const calls: Partial<Record<ApiCall, Request>> = {};
    const problems: string[] = [];
    page.on('request', (request) => {
      requests.push(request);
      const call = apiCall(request);
      if (call) calls[call] ??= request;
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const joined = guestJoined(host, name);
    const claimAnswered = page.waitForResponse((r) => apiCall(r.request()) === 'claim');
    claimAnswered.catch(() => undefined); // awaited below; a round that fails first rejects it

    const sampler = new Sampler(target.pid);
    try {
      const first = sampler.mark();
      const processesBefore = processTicks();

      const navigatedAt = performance.now();
      await page.goto(link, { waitUntil: 'commit' });
      await page.getByRole('heading', { name: `${HOST_NAME} invited you to chat` }).waitFor();
      const welcomeAt = performance.now();
      await page.getByLabel('I accept the terms', { exact: true }).check();
      await page.getByLabel('Your name', { exact: true }).fill(name);
      const start = page.getByRole('button', { name: 'Start chat', exact: true, disabled: false });
      await start.waitFor();
      const enabledAt = performance.now();
      const beforeClick = requests.length;

      const clickedAt = performance.now();
      await start.click();
      const joinedAt = await withTimeout(joined.at, ROUND_TIMEOUT_MS, 'the host saw no guest');
      // The guest's side, once the host's is timed: the chat screen (its heading is the host).
      await page.getByRole('heading', { name: HOST_NAME, exact: true }).waitFor();
      const chatShownAt = performance.now();
      await claimAnswered;

      const last = sampler.mark();
      const processesAfter = processTicks();
      const usage = sampler.usage(first, last);
      const { chromiumPercent, others } = splitCpu(
        processesBefore,
        processesAfter,
        usage.wallSeconds,
        target.pid,
      );

      const { inPage, clickEpoch } = await readInPage(page, epoch(navigatedAt));
      // From the click as the page got it, to Chromium's request times (both on the epoch clock).
      const clicked = clickEpoch ?? epoch(clickedAt);
      const challenge = await requestTimes(calls.challenge);
      const claim = await requestTimes(calls.claim);
      const entries = await Promise.all(requests.map(transferOf));
      const kept = (from: number, to: number) =>
        entries.slice(from, to).filter((e): e is TransferEntry => e !== undefined);
      return {
        round,
        welcomeMs: welcomeAt - navigatedAt,
        enabledMs: enabledAt - navigatedAt,
        inPage,
        clickDispatchMs: clicked - epoch(clickedAt),
        clickToChallengeMs: challenge.sent - clicked,
        challengeMs: challenge.answered - challenge.sent,
        solveMs: claim.sent - challenge.answered,
        proofCounter: counterOf(calls.claim?.postData() ?? null),
        claimMs: claim.answered - claim.sent,
        joinedMs: epoch(joinedAt) - clicked,
        claimToHostMs: epoch(joinedAt) - claim.sent,
        chatShownMs: epoch(chatShownAt) - clicked,
        beforeClick: tallyTransfers(kept(0, beforeClick)),
        afterClick: tallyTransfers(kept(beforeClick, entries.length)),
        cpu: {
          serverPercent: usage.targetCpuPercent,
          benchPercent: usage.loaderCpuPercent,
          chromiumPercent,
          otherPercent: Math.max(0, usage.otherCpuPercent - chromiumPercent),
          others,
        },
        problems,
      };
    } finally {
      sampler.stop();
      joined.off();
    }
  } finally {
    await context.close();
  }
}

/** When the host's client shows the guest: its `guestJoined` for that name, on this clock. */
function guestJoined(host: KnockClient, name: string): { at: Promise<number>; off: () => void } {
  let resolve: (at: number) => void = () => undefined;
  const at = new Promise<number>((r) => (resolve = r));
  const off = host.on('guestJoined', (event) => {
    if (event.name !== name) return;
    off();
    resolve(performance.now());
  });
  return { at, off };
}

/** What one request transferred; undefined when it failed or had no response. */
async function transferOf(request: Request): Promise<TransferEntry | undefined> {
  try {
    const response = await request.response();
    if (!response) return undefined;
    const sizes = await request.sizes();
    const length = Number((await response.headerValue('content-length')) ?? Number.NaN);
    // A Worker's script: Chromium tells Playwright neither its size nor its body. Its
    // content-length is what came over the wire, and the file (static, compressed the same way
    // every time) is fetched again, decompressed, for its decoded size.
    const bodyless = sizes.responseBodySize === 0 && length > 0;
    const decoded = bodyless
      ? await refetchedBytes(request)
      : await response.body().then(
          (body) => body.byteLength,
          () => sizes.responseBodySize,
        );
    return {
      url: request.url(),
      contentType: (await response.headerValue('content-type')) ?? undefined,
      contentEncoding: (await response.headerValue('content-encoding')) ?? undefined,
      encodedBytes: bodyless ? length : sizes.responseBodySize,
      decodedBytes: decoded,
      headerBytes: sizes.responseHeadersSize,
    };
  } catch {
    return undefined;
  }
}

/** A static file's decoded size, fetched again from this process (after the round's timing). */
async function refetchedBytes(request: Request): Promise<number> {
  if (request.method() !== 'GET') return Number.NaN;
  try {
    const response = await fetch(request.url());
    return response.ok ? (await response.arrayBuffer()).byteLength : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The page's own timings; `gotoEpoch` is when page.goto was called, in ms since the epoch. */
async function readInPage(
  page: Page,
  gotoEpoch: number,
): Promise<{ inPage: GuestPageRound['inPage']; clickEpoch: number | undefined }> {
  const read = (await page.evaluate(READ_IN_PAGE)) as Record<string, unknown> | null;
  const value = (key: string) => {
    const v = read?.[key];
    return typeof v === 'number' ? v : Number.NaN;
  };
  const click = value('clickEpoch');
  return {
    inPage: {
      // The page's clock and this process's both count from the system clock: they agree to
      // about a millisecond (compared through page.evaluate).
      navigationStartMs: value('timeOrigin') - gotoEpoch,
      domContentLoadedMs: value('domContentLoadedMs'),
      loadMs: value('loadMs'),
      welcomeMs: value('welcomeMs'),
    },
    clickEpoch: Number.isFinite(click) ? click : undefined,
  };
}

/**
 * When Chromium sent a request and had its whole answer, in ms since the epoch (its own timing,
 * not when Playwright told this process); NaN for a request not made or not answered.
 */
async function requestTimes(
  request: Request | undefined,
): Promise<{ sent: number; answered: number }> {
  const response = await request?.response();
  if (!request || !response) return { sent: Number.NaN, answered: Number.NaN };
  await response.finished();
  const timing = request.timing();
  return {
    sent: timing.startTime,
    answered: timing.responseEnd >= 0 ? timing.startTime + timing.responseEnd : Number.NaN,
  };
}

/** The proof's counter from a claim's body, `{ proof: { solution: { counter } }, … }`. */
function counterOf(body: string | null): number | undefined {
  if (body === null) return undefined;
  try {
    const parsed = JSON.parse(body) as { proof?: { solution?: { counter?: unknown } } };
    const counter = parsed.proof?.solution?.counter;
    return typeof counter === 'number' ? counter : undefined;
  } catch {
    return undefined;
  }
}

interface ProcessTicks {
  comm: string;
  parent: number;
  /** Its own threads only: reaped children are left out. */
  ticks: number;
}

/** Every process's CPU ticks and parent. */
function processTicks(): Map<number, ProcessTicks> {
  const all = new Map<number, ProcessTicks>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const stat = parseProcStat(text);
      // Field 4, the parent's pid, comes second after the command's closing parenthesis.
      const parent = Number(
        text
          .slice(text.lastIndexOf(')') + 1)
          .trim()
          .split(/\s+/)[1],
      );
      all.set(Number(entry), { comm: stat.comm, parent, ticks: stat.cpuTicks });
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

/**
 * Chromium's CPU over a round (every process below this one but the server: the browser Playwright
 * started and its zygotes, renderers and helpers; not another Chromium on the machine), and the
 * three largest CPU users outside this process's tree, % of one core. A process that started
 * during the round (the context's renderer) counts from zero; reaped children are left out, as
 * the previous round's renderer may exit during this one.
 */
function splitCpu(
  before: ReadonlyMap<number, ProcessTicks>,
  after: ReadonlyMap<number, ProcessTicks>,
  wallSeconds: number,
  server: number,
): { chromiumPercent: number; others: { command: string; cpuPercent: number }[] } {
  if (wallSeconds <= 0) return { chromiumPercent: 0, others: [] };
  const percent = (ticks: number) => (ticks / clockTicksPerSecond() / wallSeconds) * 100;
  const below = (pid: number) => {
    for (let p = after.get(pid)?.parent, hops = 0; p !== undefined && hops < 64; hops++) {
      if (p === process.pid) return true;
      p = after.get(p)?.parent;
    }
    return false;
  };
  let chromium = 0;
  const others: { pid: number; comm: string; cpuPercent: number }[] = [];
  for (const [pid, p] of after) {
    if (pid === server || pid === process.pid) continue;
    const ticks = p.ticks - (before.get(pid)?.ticks ?? 0);
    if (below(pid)) chromium += ticks;
    else others.push({ pid, comm: p.comm, cpuPercent: percent(ticks) });
  }
  return {
    chromiumPercent: percent(chromium),
    others: others
      .filter((o) => o.cpuPercent >= 2)
      .sort((a, b) => b.cpuPercent - a.cpuPercent)
      .slice(0, 3)
      .map((o) => ({ command: describeProcess(o.pid, o.comm), cpuPercent: o.cpuPercent })),
  };
}

/** This process's `performance.now()` as ms since the epoch. */
const epoch = (now: number) => performance.timeOrigin + now;

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : '-');

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
