import type { Logger } from '../../platform/logger.js';
import type { AuthService } from '../auth/service.js';
import type { ChatsService } from '../chats/service.js';

const BATCH = 500;

/**
 * Deletes chats inactive for the configured time (and expired sessions, and what `chores`
 * clear: invites long closed with no chat left, spent proofs of work) on a timer. Members who
 * are connected are told why their chat went (T21).
 */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly chats: ChatsService,
    private readonly auth: AuthService,
    /** More housekeeping each sweep: closed invites, spent proofs of work. */
    private readonly chores: readonly (() => Promise<number>)[],
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.runOnce().catch((error: unknown) => this.log.warn({ err: error }, 'sweep failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One sweep now; resolves with the number of chats deleted. Concurrent calls share a sweep. */
  runOnce(): Promise<number> {
    this.running ??= this.sweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async sweep(): Promise<number> {
    const chats = await this.chats.sweep(BATCH);
    await this.auth.deleteExpired();
    for (const chore of this.chores) await chore();
    if (chats > 0) this.log.info({ chats }, 'expired chats deleted');
    return chats;
  }
}
