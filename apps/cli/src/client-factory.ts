import { FileKeyStore } from '@knock/client/file-key-store.node';
import { FileStore } from '@knock/client/file-store.node';
import { HttpClient } from '@knock/client/http-client';
import { KnockClient } from '@knock/client/knock-client';
import type { EndToEndOptions } from '@knock/client/end-to-end';
import type { Logger } from '@knock/client/logger';
import { silentLogger } from '@knock/client/logger';
import type { SocketFactory } from '@knock/client/socket';
import { createNodeSocketFactory } from '@knock/client/ws-adapter.node';
import { nobleBackend } from '@knock/crypto/noble-backend';
import type { PublicUser } from '@knock/protocol/http';
import { usageError } from './errors.js';
import type { CliIo } from './io.js';
import type { CommonOptions } from './options.js';
import { DEFAULT_SERVER, parseServerUrl, stateDirFrom } from './options.js';
import type { Guest } from './guest-state.js';
import type { Session } from './state.js';
import { Output } from './output.js';
import { keysPath, requireSession, storePath } from './state.js';

/** The `--server` option as an origin, or undefined without one. */
export function serverOption(options: CommonOptions): string | undefined {
  if (options.server === undefined) return undefined;
  const url = parseServerUrl(options.server);
  if (!url) throw usageError(`Not an http(s) URL: ${options.server}`);
  return url;
}

/** `--server`, else the server of the stored login, else the default. */
export function resolveServer(options: CommonOptions, session?: Pick<Session, 'server'>): string {
  return serverOption(options) ?? session?.server ?? DEFAULT_SERVER;
}

export function stderrLogger(io: CliIo, verbose: boolean): Logger {
  if (!verbose) return silentLogger;
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const extra = fields ? ` ${JSON.stringify(fields)}` : '';
      io.stderr.write(`knock: ${level}: ${message}${extra}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function httpClient(server: string, session?: Pick<Session, 'token'>): HttpClient {
  return new HttpClient(session ? { baseUrl: server, token: session.token } : { baseUrl: server });
}

/** End-to-end keys kept in a key file (0600). */
export function fileEndToEnd(keysFile: string): EndToEndOptions {
  // Noble: in Node it is faster than WebCrypto for X25519, and the key file needs raw keys.
  return {
    crypto: nobleBackend,
    keys: new FileKeyStore(keysFile, nobleBackend),
    extractable: true,
  };
}

/** What every client of the CLI shares: sockets and logging. */
export function clientBase(
  io: CliIo,
  options: CommonOptions,
): { socketFactory: SocketFactory; logger: Logger } {
  return {
    socketFactory: createNodeSocketFactory(),
    logger: stderrLogger(io, options.verbose === true),
  };
}

/** Where a client's identity and state live on this machine: a signed-in user's or a guest's. */
interface ClientState {
  server: string;
  token: string;
  user: PublicUser;
  storeFile: string;
  keysFile: string;
  guest: boolean;
}

function stateClient(
  io: CliIo,
  options: CommonOptions,
  state: ClientState,
  { receive }: { receive: boolean },
): KnockClient {
  return new KnockClient({
    ...clientBase(io, options),
    serverUrl: state.server,
    token: state.token,
    user: state.user,
    guest: state.guest,
    store: new FileStore(state.storeFile),
    e2ee: fileEndToEnd(state.keysFile),
    receive,
  });
}

/**
 * A KnockClient for the logged-in user: outbox, cursors and end-to-end keys in the state
 * directory. `receive: false` for commands that only send.
 */
export function sessionClient(
  io: CliIo,
  options: CommonOptions,
  stateDir: string,
  session: Session,
  receive: { receive: boolean },
): KnockClient {
  const { token, user } = session;
  const files = { storeFile: storePath(stateDir, session), keysFile: keysPath(stateDir, session) };
  const server = resolveServer(options, session);
  return stateClient(io, options, { server, token, user, ...files, guest: false }, receive);
}

/** A KnockClient for a guest chat joined from this machine (see guest-state.ts). */
export function guestClient(
  io: CliIo,
  options: CommonOptions,
  { profile, files }: Guest,
  receive: { receive: boolean },
): KnockClient {
  const { token, user } = profile;
  const paths = { storeFile: files.store, keysFile: files.keys };
  const server = resolveServer(options, profile);
  return stateClient(io, options, { server, token, user, ...paths, guest: true }, receive);
}

/**
 * Runs `task` with a send-only client of the logged-in user (see `sessionClient`) and its output,
 * closing the client afterwards whatever happens.
 */
export async function withSessionClient(
  io: CliIo,
  options: CommonOptions,
  task: (client: KnockClient, session: Session, output: Output) => Promise<void>,
): Promise<void> {
  const stateDir = stateDirFrom(options, io);
  const session = await requireSession(stateDir);
  const client = sessionClient(io, options, stateDir, session, { receive: false });
  try {
    await task(client, session, new Output(io, options.json === true));
  } finally {
    await client.close();
  }
}
