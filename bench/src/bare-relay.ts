/**
 * The ceiling: a bare `ws` relay that speaks the same frames as Knock, minimally, and stores
 * nothing. It parses each frame's JSON (no schema validation), answers `send` with `sent` and a
 * per-chat counter seq after forwarding the `message` to the chat's other sockets, and turns `ack`
 * into a `receipt` for the peer, so both targets put the same frames on the wire.
 *
 * Clients name themselves and their chats in the query: `/api/ws?user=<id>&chats=<id>,<id>`.
 * Run as its own process: `PORT=… HOST=… node bench/dist/bare-relay.js`.
 */
import { createServer } from 'node:http';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, WS_PATH } from '@knock/protocol/limits';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

interface InboundFrame {
  type?: unknown;
  chatId?: unknown;
  clientMessageId?: unknown;
  ciphertext?: unknown;
  seq?: unknown;
}

const port = Number(process.env['PORT'] ?? 0);
const host = process.env['HOST'] ?? '127.0.0.1';

const members = new Map<string, Set<WebSocket>>();
const lastSeq = new Map<string, number>();

const http = createServer((request, response) => {
  response.writeHead(request.url === '/readyz' ? 200 : 404).end();
});
const wss = new WebSocketServer({
  server: http,
  path: WS_PATH,
  maxPayload: MAX_FRAME_BYTES,
  perMessageDeflate: false,
});

wss.on('connection', (socket, request) => {
  const query = new URL(request.url ?? '/', 'http://relay').searchParams;
  const userId = query.get('user') ?? 'anonymous';
  const chats = (query.get('chats') ?? '').split(',').filter((id) => id !== '');
  for (const chatId of chats) {
    let set = members.get(chatId);
    if (!set) members.set(chatId, (set = new Set()));
    set.add(socket);
  }
  socket.on('close', () => {
    for (const chatId of chats) members.get(chatId)?.delete(socket);
  });
  socket.on('error', () => undefined);
  socket.send(
    JSON.stringify({ type: 'ready', userId, serverTime: Date.now(), protocol: PROTOCOL_VERSION }),
  );
  socket.on('message', (data: RawData) => handle(socket, userId, data));
});

function handle(socket: WebSocket, userId: string, data: RawData): void {
  let frame: InboundFrame;
  try {
    frame = JSON.parse(String(data)) as InboundFrame;
  } catch {
    return sendError(socket, 'invalid_frame');
  }
  if (typeof frame.chatId !== 'string') return sendError(socket, 'invalid_frame');
  const chatId = frame.chatId;
  switch (frame.type) {
    case 'send': {
      const seq = (lastSeq.get(chatId) ?? 0) + 1;
      lastSeq.set(chatId, seq);
      const sentAt = Date.now();
      const { clientMessageId, ciphertext } = frame;
      const message = JSON.stringify({
        type: 'message',
        chatId,
        seq,
        senderId: userId,
        clientMessageId,
        sentAt,
        ciphertext,
      });
      for (const peer of members.get(chatId) ?? []) if (peer !== socket) peer.send(message);
      socket.send(JSON.stringify({ type: 'sent', chatId, clientMessageId, seq, sentAt }));
      return;
    }
    case 'ack': {
      const receipt = JSON.stringify({
        type: 'receipt',
        chatId,
        userId,
        kind: 'delivered',
        seq: frame.seq,
      });
      for (const peer of members.get(chatId) ?? []) if (peer !== socket) peer.send(receipt);
      return;
    }
    default:
      return;
  }
}

function sendError(socket: WebSocket, code: string): void {
  socket.send(JSON.stringify({ type: 'error', code, message: 'bad frame' }));
}

http.listen(port, host);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    http.close(() => process.exit(0));
  });
}
