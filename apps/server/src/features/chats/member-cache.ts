/**
 * Members of live chats, read from storage once. A direct chat's members never change while it
 * lives, so they cache well; callers that miss together share one read (after a restart every
 * socket's first sends in a chat arrive at once). Empty answers (no such chat) are not kept.
 */
export class MemberCache {
  private readonly members = new Map<string, readonly string[]>();
  private readonly loading = new Map<string, Promise<readonly string[]>>();

  constructor(
    private readonly load: (chatId: string) => Promise<readonly string[]>,
    private readonly limit: number,
  ) {}

  /** The members when cached, without waiting for storage. */
  known(chatId: string): readonly string[] | undefined {
    return this.members.get(chatId);
  }

  get(chatId: string): Promise<readonly string[]> {
    const cached = this.members.get(chatId);
    if (cached) return Promise.resolve(cached);
    const inFlight = this.loading.get(chatId);
    if (inFlight) return inFlight;
    const loading = this.load(chatId).then(
      (ids) => {
        // A chat forgotten while it was being read is not cached again.
        if (this.loading.get(chatId) !== loading) return ids;
        this.loading.delete(chatId);
        if (ids.length > 0) {
          if (this.members.size >= this.limit) this.members.clear();
          this.members.set(chatId, ids);
        }
        return ids;
      },
      (error: unknown) => {
        if (this.loading.get(chatId) === loading) this.loading.delete(chatId);
        throw error;
      },
    );
    this.loading.set(chatId, loading);
    return loading;
  }

  forget(chatId: string): void {
    this.members.delete(chatId);
    this.loading.delete(chatId);
  }
}
