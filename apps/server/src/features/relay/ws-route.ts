import { performance } from 'node:perf_hooks';
import { parseClientFrame } from '@knock/protocol/codec';
import type { ClientFrame } from '@knock/protocol/frames';
import { PROTOCOL_VERSION, WS_PATH } from '@knock/protocol/limits';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Clock } from '../../platform/clock.js';
import type { Limits } from '../../platform/config.js';
import { AppError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Metrics } from '../../platform/metrics.js';
import type { ChatsService } from '../chats/service.js';
import type { MessagesRepository } from '../messages/repository.js';
import type { MessagingService } from '../messages/service.js';
import type { WriteQueue } from '../messages/write-queue.js';
import { Connection } from './connection.js';
import { FrameBudget } from './frame-budget.js';
import type { Hub } from './hub.js';
import { ReadGate } from './read-gate.js';
import type { UpgradeGuard } from './upgrade-guard.js';

/** Bad frames a socket may send before it is closed. */
const MAX_BAD_FRAMES = 20;

export interface WsRouteDeps {
  guard: UpgradeGuard;
  hub: Hub;
  chats: ChatsService;
  messages: MessagesRepository;
  messaging: MessagingService;
  writes: WriteQueue;
  metrics: Metrics;
  limits: Limits;
  clock: Clock;
  log: Logger;
}

export function registerWsRoute(app: FastifyInstance, deps: WsRouteDeps): void {
  // The upgrade's HTTP response, to be let go of once the socket is a WebSocket.
  const responses = new WeakMap<FastifyRequest, ServerResponse>();
  const onRequest = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    responses.set(request, reply.raw);
    done();
  };
  app.get(
    WS_PATH,
    { websocket: true, onRequest, preValidation: deps.guard.check },
    (socket, request) => {
      releaseUpgrade(socket, request.raw.socket, responses.get(request));
      const principal = deps.guard.principal(request);
      if (!principal) return socket.close(4401, 'unauthorized');
      const connection = new Connection(
        principal.userId,
        socket,
        request.raw.socket,
        {
          readAfter: (chatId, afterSeq, limit) => deps.messages.after(chatId, afterSeq, limit),
          onFrameOut: () => deps.metrics.framesOut.inc(),
          onMessageOut: () => deps.metrics.messagesOut.inc(),
          log: deps.log,
          bufferLimit: deps.limits.socketBufferBytes,
        },
        { tokenHash: principal.tokenHash, guest: principal.kind === 'guest' },
      );
      deps.hub.add(connection);
      deps.metrics.connections.inc();
      socket.on('close', () => {
        connection.detach();
        deps.hub.remove(connection);
        deps.metrics.connections.dec();
      });

      const ready = deps.chats.memberships(principal.userId).then((memberships) => {
        // A guest's one chat closed while this connection was being set up: nothing to serve.
        if (principal.kind === 'guest' && memberships.length === 0) {
          connection.close('unauthorized');
          return;
        }
        connection.send({
          type: 'ready',
          userId: principal.userId,
          serverTime: deps.clock.now(),
          protocol: PROTOCOL_VERSION,
        });
        connection.start(memberships);
      });
      let loaded = false;
      ready.then(
        () => (loaded = true),
        () => undefined,
      );
      ready.catch((error: unknown) => {
        deps.log.warn({ err: error }, 'could not load chats for a connection');
        connection.close('internal_error');
      });

      const budget = new FrameBudget(deps.limits.framesPerSecond, performance.now());
      const gate = new ReadGate(socket);
      let badFrames = 0;
      socket.on('message', (data: RawData, isBinary: boolean) => {
        if (!connection.isOpen) return; // closed for overload: the client resends in order
        const wait = budget.spend(performance.now());
        if (wait > 0 && !gate.isHeld('budget')) {
          deps.metrics.throttled.inc();
          gate.hold('budget');
          setTimeout(() => gate.release('budget'), wait).unref();
        }
        if (deps.writes.congested && !gate.isHeld('queue')) {
          deps.metrics.heldForQueue.inc();
          gate.hold('queue');
          void deps.writes.relief().then(() => gate.release('queue'));
        }
        const parsed = isBinary ? undefined : parseClientFrame(rawText(data));
        if (!parsed?.ok) {
          if (++badFrames > MAX_BAD_FRAMES) return connection.close('invalid_frame');
          return connection.sendError('invalid_frame');
        }
        // If loading the chats failed the socket is already closing: the frame is moot.
        const handled = deps.writes.reserve();
        // Once the chats are loaded a frame is handled at once; before, it waits in order behind
        // them (frames that came earlier were queued on `ready` first).
        if (loaded) void handle(deps, connection, socket, parsed.value).then(handled, handled);
        else {
          void ready
            .then(
              () => handle(deps, connection, socket, parsed.value),
              () => undefined,
            )
            .finally(handled);
        }
      });
    },
  );
}

async function handle(
  deps: WsRouteDeps,
  connection: Connection,
  socket: WebSocket,
  frame: ClientFrame,
): Promise<void> {
  const ref = frame.type === 'send' ? frame.clientMessageId : frame.chatId;
  try {
    switch (frame.type) {
      case 'send': {
        connection.send(await deps.messaging.send(connection, frame));
        deps.metrics.messagesIn.inc();
        return;
      }
      case 'ack':
        deps.metrics.acks.inc();
        return await deps.messaging.markCursor(connection.userId, 'ack', frame.chatId, frame.seq);
      case 'read':
        return await deps.messaging.markCursor(connection.userId, 'read', frame.chatId, frame.seq);
      case 'typing':
        if (!connection.hasChat(frame.chatId)) throw new AppError('chat_not_found');
        return await deps.messaging.typing(connection.userId, frame.chatId, frame.typing);
      case 'sync':
        if (!connection.hasChat(frame.chatId)) throw new AppError('chat_not_found');
        return connection.resync(frame.chatId, frame.afterSeq);
    }
  } catch (error) {
    if (socket.readyState !== socket.OPEN) return;
    if (error instanceof AppError && error.code !== 'slow_down') {
      return connection.sendError(error.code, ref);
    }
    if (!(error instanceof AppError)) deps.log.error({ err: error }, 'frame failed');
    // A send that failed for a passing reason (load, storage) must not be overtaken by the next
    // one: the socket closes (1013 or 1011) and the client resends its outbox in order.
    if (frame.type === 'send') {
      return connection.close(error instanceof AppError ? 'slow_down' : 'internal_error');
    }
    connection.sendError(error instanceof AppError ? error.code : 'internal_error', ref);
  }
}

/**
 * Drops what ties a WebSocket to the HTTP request that opened it, so that the request, its
 * response, Fastify's request and reply and their logger are freed after the handshake instead of
 * living as long as the socket (about 1.5 KiB each of 10,000 idle connections): the error listener
 * the websocket plugin adds holds the request and reply, and the TCP socket holds the response.
 * A protocol error (bad UTF-8, an oversized frame) is answered by ws with its own close code.
 */
function releaseUpgrade(socket: WebSocket, raw: Socket, response: ServerResponse | undefined) {
  socket.removeAllListeners('error');
  socket.on('error', () => {
    if (socket.readyState === socket.OPEN) socket.close(1011, 'internal_error');
  });
  response?.detachSocket(raw);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
