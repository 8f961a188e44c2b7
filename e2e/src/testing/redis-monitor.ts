import { connect } from 'node:net';

/** One command as a RESP array, which Redis reads whatever the bytes of its arguments. */
const command = (...args: string[]) =>
  `*${String(args.length)}\r\n` +
  args.map((arg) => `$${String(Buffer.byteLength(arg))}\r\n${arg}\r\n`).join('');

/**
 * A Redis MONITOR session on a plain socket: every command any client sends, one line each as
 * Redis prints it (`<time> [<db> <address>] "<name>" "<arg>" …`, bytes outside ASCII escaped).
 * ioredis's `monitor()` can take a monitored line that arrives with the `+OK` for a reply and
 * fail with "Command queue state error"; this reads the stream itself.
 */
export async function monitorRedis(url: string): Promise<{ lines: string[]; close(): void }> {
  const { hostname, port, username, password } = new URL(url);
  const socket = connect(Number(port || 6379), hostname || '127.0.0.1');
  const lines: string[] = [];
  const requests = [
    ...(password
      ? [command('AUTH', ...(username ? [username] : []), decodeURIComponent(password))]
      : []),
    command('MONITOR'),
  ];
  let pendingOks = requests.length;
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => socket.write(requests.join('')));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (line.startsWith('-')) reject(new Error(`Redis refused MONITOR: ${line.slice(1)}`));
        else if (pendingOks > 0 && line === '+OK') {
          pendingOks--;
          if (pendingOks === 0) resolve();
        } else if (line.startsWith('+')) lines.push(line.slice(1));
      }
    });
  });
  return { lines, close: () => socket.destroy() };
}
