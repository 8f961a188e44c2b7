import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/**
 * The server's configuration, parsed once from the environment. This is the only module that
 * reads `process.env`; every other part receives a `Config`.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Origin the browser apps are served from; WebSocket upgrades from other origins are refused. */
  readonly publicUrl: URL;
  readonly database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so that deployments can share one Redis. */
  readonly redisNamespace: string;
  readonly chatTtlMs: number;
  /** Where the built browser apps are: `<appsDir>/web/dist` and `<appsDir>/guest/dist`. */
  readonly appsDir: string;
  /** The terms a guest accepts before starting a chat: a path on this server or a URL. */
  readonly termsUrl: string;
  readonly sweepIntervalMs: number;
  readonly logLevel: string;
  /** Trust X-Forwarded-For from a reverse proxy (only behind one you run). */
  readonly trustProxy: boolean;
  readonly limits: Limits;
  readonly proofOfWork: ProofOfWorkConfig;
  /** Behaviours that only tests may switch on (KNOCK_TEST_MODE=1): never in production. */
  readonly testMode: boolean;
}

export interface Limits {
  /** WebSocket connections one IP may hold at once. */
  readonly connectionsPerIp: number;
  /** WebSocket connections the node holds at most. */
  readonly connectionsTotal: number;
  /** Upgrade attempts per IP per minute. */
  readonly upgradesPerIpPerMinute: number;
  /** Failed logins per username and IP before a 15-minute lock-out. */
  readonly loginFailuresPerUserIp: number;
  /** Failed logins per IP per day. */
  readonly loginFailuresPerIpPerDay: number;
  /** Registrations per IP per hour. */
  readonly registrationsPerIpPerHour: number;
  /** Frames one socket may send per second before it is told to slow down. */
  readonly framesPerSecond: number;
  /** Bytes queued to a slow socket before the server stops pushing to it and pages from storage. */
  readonly socketBufferBytes: number;
  /** Prekey bundles one user may fetch per hour (each uses up someone's one-time prekeys). */
  readonly bundlesPerUserPerHour: number;
  /** Open guest links one host may hold at once. */
  readonly openInvitesPerHost: number;
  /** Invite bundles one IP may fetch per minute (guest link pages, link guessing). */
  readonly inviteFetchesPerIpPerMinute: number;
  /** Writes the node's queue holds; past half of it sockets are not read, at all of it sends fail. */
  readonly writeQueue: number;
  /** Proof-of-work challenges one IP may fetch per minute. */
  readonly challengesPerIpPerMinute: number;
  /** Guest-link claims one IP may make per minute. */
  readonly claimsPerIpPerMinute: number;
  /** Claims one link takes per minute, from everyone together (T26). */
  readonly claimsPerInvitePerMinute: number;
  /** Claims all of one host's links take per hour. */
  readonly claimsPerHostPerHour: number;
  /** Claims the deployment takes per second. */
  readonly claimsPerSecond: number;
}

/** The proof of work a guest's browser does before a claim (features/claims/proof-of-work.ts). */
export interface ProofOfWorkConfig {
  /** PBKDF2 iterations per attempt. */
  readonly cost: number;
  /** The attempts a solution takes are drawn from [counterMin, counterMax]. */
  readonly counterMin: number;
  readonly counterMax: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number; got "${raw}".`);
  }
  return value;
}

function parseDatabase(raw: string | undefined): Config['database'] {
  if (raw === undefined || raw === '') return { kind: 'sqlite', file: resolve('data/knock.db') };
  if (/^postgres(ql)?:\/\//.test(raw)) return { kind: 'postgres', url: raw };
  if (raw.startsWith('sqlite:'))
    return { kind: 'sqlite', file: resolve(raw.slice('sqlite:'.length)) };
  if (raw.includes('://')) {
    throw new ConfigError(
      'KNOCK_DATABASE_URL must be a postgres:// URL, sqlite:<file> or a file path.',
    );
  }
  return { kind: 'sqlite', file: resolve(raw) };
}

function namespace(raw: string | undefined): string {
  if (raw === undefined || raw === '') return 'knock';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw)) {
    throw new ConfigError(
      'KNOCK_REDIS_NAMESPACE must be 1 to 64 letters, digits, dots, dashes or underscores.',
    );
  }
  return raw;
}

function parseTermsUrl(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '/terms';
  if (/^\/(?!\/)[^\s"<>]*$/.test(raw)) return raw;
  return parseUrl(raw, 'KNOCK_TERMS_URL').href;
}

function parseUrl(raw: string, name: string): URL {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return url;
  } catch {
    throw new ConfigError(`${name} must be an http:// or https:// URL; got "${raw}".`);
  }
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const publicUrl = parseUrl(
    env['KNOCK_PUBLIC_URL'] ?? `http://localhost:${port}`,
    'KNOCK_PUBLIC_URL',
  );
  const config: Config = {
    port,
    host: env['KNOCK_HOST'] ?? '0.0.0.0',
    publicUrl,
    database: parseDatabase(env['KNOCK_DATABASE_URL']),
    redisUrl: env['KNOCK_REDIS_URL'] || undefined,
    redisNamespace: namespace(env['KNOCK_REDIS_NAMESPACE']),
    chatTtlMs: Math.round(positive(env, 'KNOCK_CHAT_TTL_DAYS', 10) * 86_400_000),
    appsDir: resolve(env['KNOCK_APPS_DIR'] || fileURLToPath(new URL('../../../', import.meta.url))),
    termsUrl: parseTermsUrl(env['KNOCK_TERMS_URL']),
    sweepIntervalMs: integer(env, 'KNOCK_SWEEP_INTERVAL_MS', 60_000, 100, 86_400_000),
    logLevel: env['KNOCK_LOG_LEVEL'] ?? 'info',
    trustProxy: env['KNOCK_TRUST_PROXY'] === '1',
    limits: {
      connectionsPerIp: integer(env, 'KNOCK_LIMIT_CONNECTIONS_PER_IP', 50, 1, 1_000_000),
      connectionsTotal: integer(env, 'KNOCK_LIMIT_CONNECTIONS_TOTAL', 20_000, 1, 10_000_000),
      upgradesPerIpPerMinute: integer(
        env,
        'KNOCK_LIMIT_UPGRADES_PER_IP_MINUTE',
        120,
        1,
        10_000_000,
      ),
      loginFailuresPerUserIp: integer(env, 'KNOCK_LIMIT_LOGIN_FAILURES', 10, 1, 1_000_000),
      loginFailuresPerIpPerDay: integer(
        env,
        'KNOCK_LIMIT_LOGIN_FAILURES_PER_IP_DAY',
        100,
        1,
        10_000_000,
      ),
      registrationsPerIpPerHour: integer(
        env,
        'KNOCK_LIMIT_REGISTRATIONS_PER_IP_HOUR',
        20,
        1,
        1_000_000,
      ),
      framesPerSecond: integer(env, 'KNOCK_LIMIT_FRAMES_PER_SECOND', 200, 1, 1_000_000),
      socketBufferBytes: integer(env, 'KNOCK_SOCKET_BUFFER_BYTES', 1_048_576, 65_536, 1 << 30),
      writeQueue: integer(env, 'KNOCK_LIMIT_WRITE_QUEUE', 50_000, 100, 10_000_000),
      bundlesPerUserPerHour: integer(env, 'KNOCK_LIMIT_BUNDLES_PER_USER_HOUR', 100, 1, 1_000_000),
      openInvitesPerHost: integer(env, 'KNOCK_LIMIT_OPEN_INVITES_PER_HOST', 100, 1, 1_000_000),
      inviteFetchesPerIpPerMinute: integer(
        env,
        'KNOCK_LIMIT_INVITE_FETCHES_PER_IP_MINUTE',
        60,
        1,
        10_000_000,
      ),
      challengesPerIpPerMinute: integer(
        env,
        'KNOCK_LIMIT_CHALLENGES_PER_IP_MINUTE',
        30,
        1,
        10_000_000,
      ),
      claimsPerIpPerMinute: integer(env, 'KNOCK_LIMIT_CLAIMS_PER_IP_MINUTE', 10, 1, 10_000_000),
      claimsPerInvitePerMinute: integer(
        env,
        'KNOCK_LIMIT_CLAIMS_PER_INVITE_MINUTE',
        30,
        1,
        10_000_000,
      ),
      claimsPerHostPerHour: integer(env, 'KNOCK_LIMIT_CLAIMS_PER_HOST_HOUR', 300, 1, 10_000_000),
      claimsPerSecond: integer(env, 'KNOCK_LIMIT_CLAIMS_PER_SECOND', 100, 1, 10_000_000),
    },
    proofOfWork: proofOfWork(env),
    testMode: env['KNOCK_TEST_MODE'] === '1',
  };
  return deepFreeze(config);
}

function proofOfWork(env: Env): ProofOfWorkConfig {
  const cost = integer(env, 'KNOCK_POW_COST', 1_000, 1, 100_000);
  const counterMin = integer(env, 'KNOCK_POW_COUNTER_MIN', 500, 1, 1_000_000);
  const counterMax = integer(env, 'KNOCK_POW_COUNTER_MAX', 1_500, 1, 1_000_000);
  if (counterMax < counterMin) {
    throw new ConfigError('KNOCK_POW_COUNTER_MAX must not be below KNOCK_POW_COUNTER_MIN.');
  }
  return { cost, counterMin, counterMax };
}

function deepFreeze<T extends object>(value: T): T {
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner && typeof inner === 'object' && !(inner instanceof URL)) deepFreeze(inner);
  }
  return Object.freeze(value);
}
