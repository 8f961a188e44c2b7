import websocket from '@fastify/websocket';
import { MAX_FRAME_BYTES, WS_SUBPROTOCOL } from '@knock/protocol/limits';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { AccountsRepository } from './features/accounts/repository.js';
import { registerAccountRoutes } from './features/accounts/routes.js';
import { AccountsService } from './features/accounts/service.js';
import { createHttpAuth } from './features/auth/http-auth.js';
import { SessionsRepository } from './features/auth/repository.js';
import { registerAuthRoutes } from './features/auth/routes.js';
import { AuthService } from './features/auth/service.js';
import { CursorBook } from './features/chats/cursor-book.js';
import { ChatsRepository } from './features/chats/repository.js';
import { registerChatRoutes } from './features/chats/routes.js';
import { ChatsService } from './features/chats/service.js';
import { claimLimits } from './features/claims/limits.js';
import { ProofOfWork } from './features/claims/proof-of-work.js';
import { DatabaseReplayStore } from './features/claims/database-replay-store.js';
import { RedisReplayStore } from './features/claims/replay-store.js';
import { ClaimsRepository } from './features/claims/repository.js';
import { registerClaimRoutes } from './features/claims/routes.js';
import { ClaimsService } from './features/claims/service.js';
import { Sweeper } from './features/expiry/sweeper.js';
import { registerHealthRoutes } from './features/health/routes.js';
import { InvitesRepository } from './features/invites/repository.js';
import { registerInviteRoutes } from './features/invites/routes.js';
import { InvitesService } from './features/invites/service.js';
import { KeysRepository } from './features/keys/repository.js';
import { registerKeyRoutes } from './features/keys/routes.js';
import { KeysService } from './features/keys/service.js';
import { MessagesRepository } from './features/messages/repository.js';
import { MessagingService } from './features/messages/service.js';
import { WriteQueue } from './features/messages/write-queue.js';
import { WriterClient } from './features/messages/writer-client.js';
import { Checkpointer } from './platform/db/checkpointer.js';
import { parseRelayEvent, type RelayEvent } from './features/relay/events.js';
import { Hub } from './features/relay/hub.js';
import { UpgradeGuard } from './features/relay/upgrade-guard.js';
import { registerWebRoutes } from './features/web/routes.js';
import { registerWsRoute } from './features/relay/ws-route.js';
import { LocalBus, type Bus } from './platform/bus/bus.js';
import { RedisBus } from './platform/bus/redis-bus.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { connect } from './platform/db/connect.js';
import { migrateToLatest } from './platform/db/migrations.js';
import { sharedSecret } from './platform/db/server-secrets.js';
import { registerErrorHandler } from './platform/http/error-handler.js';
import { registerSecurityHeaders } from './platform/http/security-headers.js';
import type { Logger } from './platform/logger.js';
import { Metrics } from './platform/metrics.js';
import { limiterFactory } from './platform/rate-limit.js';

/** How often delivered and read cursors moved in memory are written to storage. */
const CURSOR_FLUSH_MS = 1000;
/** How long a guest has to solve a claim's proof of work and send it. */
const CLAIM_CHALLENGE_TTL_MS = 5 * 60_000;

export interface KnockApp {
  readonly fastify: FastifyInstance;
  readonly sweeper: Sweeper;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Graceful shutdown: stop accepting, finish writes, close sockets, close storage. */
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
}

/** The one composition root: builds every part and wires them. Tests build it too. */
export async function buildApp({
  config,
  logger,
  clock = systemClock,
}: AppOptions): Promise<KnockApp> {
  const db = connect(config.database);
  await migrateToLatest(db.kysely, db.dialect);

  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 })
    : undefined;
  redis?.on('error', () => undefined); // reconnects on its own; readiness reports it
  const bus: Bus<RelayEvent> = redis
    ? new RedisBus(redis, redis.duplicate(), parseRelayEvent, logger, config.redisNamespace)
    : new LocalBus<RelayEvent>();
  const limiter = limiterFactory(redis, config.redisNamespace);
  const secure = config.publicUrl.protocol === 'https:';
  const publicOrigin = config.publicUrl.origin;

  const accounts = new AccountsService(
    new AccountsRepository(db.kysely),
    {
      registrations: limiter({
        name: 'register-ip',
        points: config.limits.registrationsPerIpPerHour,
        durationSeconds: 3600,
      }),
      failuresPerUserIp: limiter({
        name: 'login-user-ip',
        points: config.limits.loginFailuresPerUserIp,
        durationSeconds: 900,
        blockSeconds: 900,
      }),
      failuresPerIp: limiter({
        name: 'login-ip',
        points: config.limits.loginFailuresPerIpPerDay,
        durationSeconds: 86_400,
      }),
    },
    clock,
  );
  const auth = new AuthService(new SessionsRepository(db.kysely), clock);
  const messages = new MessagesRepository(db.kysely);
  // On a SQLite file, batches commit on a thread of their own, and a second thread checkpoints
  // the write-ahead log from the first batch on; PostgreSQL never blocks the loop.
  const sqliteFile =
    config.database.kind === 'sqlite' && config.database.file !== ':memory:'
      ? config.database.file
      : undefined;
  const checkpointer = sqliteFile ? new Checkpointer(sqliteFile, logger) : undefined;
  const writer = sqliteFile
    ? new WriterClient(sqliteFile, logger, () => checkpointer?.start())
    : undefined;
  const metrics = new Metrics({ queueDepth: () => writes.depth, busHealthy: () => bus.healthy() });
  const writes = new WriteQueue(
    writer ?? messages,
    clock,
    config.chatTtlMs,
    config.limits.writeQueue,
    logger,
    (count, seconds) => {
      metrics.writeBatchSize.observe(count);
      metrics.writeBatchSeconds.observe(seconds);
    },
  );
  const chatsRepository = new ChatsRepository(db.kysely);
  const cursors = new CursorBook({
    load: (chatId) => chatsRepository.cursorState(chatId),
    persist: (cursorWrites) =>
      Promise.all(
        cursorWrites.map((write) =>
          writes.submit(write).then(
            () => true,
            () => false,
          ),
        ),
      ),
  });
  const chats = new ChatsService(chatsRepository, cursors, accounts, bus, clock, config.chatTtlMs);
  const hub = new Hub(chats, logger);
  bus.subscribe((event) => {
    if (event.kind === 'messages') cursors.noteMessages(event.chatId, event.upToSeq);
    hub.handle(event);
  });
  bus.onRecovered(() => {
    for (const connection of hub.all()) connection.recheckAll();
  });
  const messaging = new MessagingService(writes, chats, cursors, hub, bus);
  const stopCursorFlush = cursors.flushEvery(CURSOR_FLUSH_MS, (error) =>
    logger.error({ err: error }, 'cursor flush failed'),
  );
  const keys = new KeysService(
    new KeysRepository(db.kysely, db.dialect),
    accounts,
    chats,
    bus,
    clock,
    limiter({
      name: 'bundles-user',
      points: config.limits.bundlesPerUserPerHour,
      durationSeconds: 3600,
    }),
  );
  const invites = new InvitesService(new InvitesRepository(db.kysely, db.dialect), clock, {
    openPerHost: config.limits.openInvitesPerHost,
    keepClosedMs: config.chatTtlMs,
    fetchesPerIp: limiter({
      name: 'invite-fetch-ip',
      points: config.limits.inviteFetchesPerIpPerMinute,
      durationSeconds: 60,
    }),
  });
  // Without Redis, spent proofs go to the database: every node and every restart sees them.
  const spentProofs = new DatabaseReplayStore(db.kysely, () => clock.now());
  const claims = new ClaimsService(
    new ClaimsRepository(db.kysely),
    new ProofOfWork(
      {
        ...config.proofOfWork,
        secret: await sharedSecret(db.kysely, 'claim-proof-of-work', clock.now()),
        ttlMs: CLAIM_CHALLENGE_TTL_MS,
        now: () => clock.now(),
      },
      redis ? new RedisReplayStore(redis, `${config.redisNamespace}:claim-pow`) : spentProofs,
    ),
    chats,
    bus,
    claimLimits(limiter, config.limits),
    clock,
    logger,
  );
  const sweeper = new Sweeper(
    chats,
    auth,
    [() => invites.purgeClosed(), () => spentProofs.purgeExpired()],
    config.sweepIntervalMs,
    logger,
  );

  const fastify = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    genReqId: () => crypto.randomUUID(),
  });
  registerSecurityHeaders(fastify, secure);
  registerErrorHandler(fastify);
  await fastify.register(websocket, {
    options: {
      maxPayload: MAX_FRAME_BYTES,
      // Browsers offer `knock` (and a guest its token, which is never echoed): answer `knock`.
      handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
    },
    // A client's protocol error (bad UTF-8, oversize frame) is answered by ws with the right close
    // code; terminating here, as the default handler does, would drop that close frame.
    errorHandler: (error, socket, request) => {
      request.log.debug({ err: error }, 'websocket protocol error');
      if (socket.readyState === socket.OPEN) socket.close(1011, 'internal_error');
    },
  });
  const httpAuth = createHttpAuth(fastify, auth, publicOrigin, secure);
  let shuttingDown = false;
  registerHealthRoutes(fastify, {
    metrics,
    // Redis is not a readiness condition: without it a node still delivers (DESIGN §3).
    ready: async () => !shuttingDown && (await db.ping()),
  });
  registerAccountRoutes(fastify, accounts);
  registerAuthRoutes(fastify, {
    accounts,
    auth,
    httpAuth,
    secure,
    revoked: (userId, tokenHash) => bus.publish({ kind: 'session_revoked', userId, tokenHash }),
  });
  registerChatRoutes(fastify, chats, httpAuth);
  registerKeyRoutes(fastify, keys, httpAuth);
  registerInviteRoutes(fastify, invites, httpAuth);
  registerClaimRoutes(fastify, claims);
  await registerWebRoutes(fastify, {
    appsDir: config.appsDir,
    termsUrl: config.termsUrl,
    chatTtlDays: Math.round((config.chatTtlMs / 86_400_000) * 100) / 100,
  });
  const guard = new UpgradeGuard(
    config.limits,
    limiter({
      name: 'upgrade-ip',
      points: config.limits.upgradesPerIpPerMinute,
      durationSeconds: 60,
    }),
    auth,
    httpAuth.cookieName,
    publicOrigin,
    metrics,
  );
  registerWsRoute(fastify, {
    guard,
    hub,
    chats,
    messages,
    messaging,
    writes,
    metrics,
    limits: config.limits,
    clock,
    log: logger,
  });

  const heartbeat = startHeartbeat(fastify);

  return {
    fastify,
    sweeper,
    async listen() {
      // The message writer starts with the server: the first send, or a crowd of clients
      // reconnecting after a restart, must not wait for its thread to start.
      writer?.start();
      const address = await fastify.listen({ port: config.port, host: config.host });
      sweeper.start();
      return address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    },
    async close() {
      shuttingDown = true;
      clearInterval(heartbeat);
      await sweeper.stop();
      // Let queued writes commit and be acked, tell every client to come back later, then stop
      // listening (readiness already answers 503, so a balancer sends no one new).
      stopCursorFlush();
      await writes.drained();
      for (const connection of hub.all()) connection.close('shutting_down');
      await fastify.close();
      // No frame comes in any more: store the last cursor moves, then let the writer go.
      await cursors.flush();
      await writes.drained();
      await writer?.close();
      await checkpointer?.close();
      await bus.close();
      await db.close();
      redis?.disconnect();
    },
  };
}

/** Pings every socket each 30 s and drops the ones that did not answer the previous ping. */
function startHeartbeat(fastify: FastifyInstance): NodeJS.Timeout {
  const alive = new WeakSet<object>();
  const timer = setInterval(() => {
    for (const socket of fastify.websocketServer.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, 30_000);
  fastify.websocketServer.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
  });
  timer.unref();
  return timer;
}
