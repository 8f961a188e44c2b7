/** What a gate pauses and resumes: a WebSocket's reading from its TCP socket. */
export interface Readable {
  pause(): void;
  resume(): void;
}

/**
 * Stops reading a socket while any reason to hold it lasts (its own frame budget, a full write
 * queue), and reads on once every reason is released. Unread frames wait in TCP buffers, in order,
 * and the sender's writes slow down by themselves: backpressure instead of refusal.
 */
export class ReadGate {
  private readonly held = new Set<string>();

  constructor(private readonly socket: Readable) {}

  isHeld(reason: string): boolean {
    return this.held.has(reason);
  }

  hold(reason: string): void {
    if (this.held.size === 0) this.socket.pause();
    this.held.add(reason);
  }

  release(reason: string): void {
    if (!this.held.delete(reason)) return;
    if (this.held.size === 0) this.socket.resume();
  }
}
