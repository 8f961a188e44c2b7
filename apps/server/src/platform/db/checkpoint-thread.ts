import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-file.js';
import type { CheckpointReply, CheckpointRequest } from './checkpoint-messages.js';

/**
 * The checkpointer's thread (see Checkpointer): its own connection to the SQLite file, folding
 * the write-ahead log back into the database every `intervalMs` with a PASSIVE checkpoint, which
 * never waits for and never blocks the connections that read and write meanwhile.
 */
const port = parentPort;
if (!port) throw new Error('the checkpointer runs in a worker thread');
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = openSqlite(file);

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    reply({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}, intervalMs);

port.on('message', (request: CheckpointRequest) => {
  if (request.kind !== 'close') return;
  clearInterval(timer);
  db.close();
  reply({ kind: 'closed' });
  port.close();
});

function reply(message: CheckpointReply): void {
  port?.postMessage(message);
}
