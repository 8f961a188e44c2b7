import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '../../platform/db/connect.js';
import { MessagesRepository } from './repository.js';
import type { WriterReply, WriterRequest } from './writer-messages.js';

/**
 * The message writer's thread (see WriterClient): it owns its own connection to the SQLite file
 * and commits one batch at a time, so the fsync and the statements of a batch never hold up the
 * event loop that serves the sockets.
 */
const port = parentPort;
if (!port) throw new Error('the message writer runs in a worker thread');
const { file } = workerData as { file: string };
const db = connect({ kind: 'sqlite', file });
const repository = new MessagesRepository(db.kysely);

let queue = Promise.resolve();
port.on('message', (request: WriterRequest) => {
  queue = queue.then(() => serve(request));
});

async function serve(request: WriterRequest): Promise<void> {
  if (request.kind === 'close') {
    await db.close();
    return reply({ kind: 'closed' });
  }
  try {
    const results = await repository.commit(request.ops, request.now, request.cutoff);
    reply({ kind: 'committed', id: request.id, results });
  } catch (error) {
    reply({ kind: 'failed', id: request.id, error });
  }
}

function reply(message: WriterReply): void {
  port?.postMessage(message);
}
