import { FileKeyStore } from '@knock/client/file-key-store.node';
import { FileStore } from '@knock/client/file-store.node';
import { HttpClient } from '@knock/client/http-client';
import { KnockClient } from '@knock/client/knock-client';
import type { Logger } from '@knock/client/logger';
import { silentLogger } from '@knock/client/logger';
import { createNodeSocketFactory } from '@knock/client/ws-adapter.node';
import { nobleBackend } from '@knock/crypto/noble-backend';
import { usageError } from './errors.js';
import type { CliIo } from './io.js';
import type { CommonOptions } from './options.js';
import { DEFAULT_SERVER, parseServerUrl, stateDirFrom } from './options.js';
import type { Session } from './state.js';
import { Output } from './output.js';
import { keysPath, requireSession, storePath } from './state.js';

/** `--server`, else the server of the stored login, else the default. */
export function resolveServer(options: CommonOptions, session?: Session): string {
  if (options.server === undefined) return session?.server ?? DEFAULT_SERVER;
  const url = parseServerUrl(options.server);
  if (!url) throw usageError(`Not an http(s) URL: ${options.server}`);
  return url;
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

export function httpClient(server: string, session?: Session): HttpClient {
  return new HttpClient(session ? { baseUrl: server, token: session.token } : { baseUrl: server });
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
  { receive }: { receive: boolean },
): KnockClient {
  return new KnockClient({
    serverUrl: resolveServer(options, session),
    token: session.token,
    user: session.user,
    store: new FileStore(storePath(stateDir, session)),
    // Noble: in Node it is faster than WebCrypto for X25519, and the key file needs raw keys.
    e2ee: {
      crypto: nobleBackend,
      keys: new FileKeyStore(keysPath(stateDir, session), nobleBackend),
      extractable: true,
    },
    socketFactory: createNodeSocketFactory(),
    logger: stderrLogger(io, options.verbose === true),
    receive,
  });
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
