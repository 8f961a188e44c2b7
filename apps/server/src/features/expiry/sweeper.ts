import type { Logger } from '../../platform/logger.js';
import type { AuthService } from '../auth/service.js';
import type { ChatsService } from '../chats/service.js';
import type { InvitesService } from '../invites/service.js';

const BATCH = 500;

/**
 * Deletes chats inactive for the configured time (and expired sessions, and invites long closed
 * with no chat left) on a timer. Members who
 * are connected are told why their chat went (T21).
 */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly chats: ChatsService,
    private readonly auth: AuthService,
    private readonly invites: InvitesService,
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
    await this.invites.purgeClosed();
    if (chats > 0) this.log.info({ chats }, 'expired chats deleted');
    return chats;
  }
}
