import { signal } from '@preact/signals';
import type { CreateInviteOptions } from '@knock/client/host-invites';
import type { KnockClient } from '@knock/client/knock-client';
import type { InviteSummary } from '@knock/protocol/invites';

/** A notice about one of the user's links (someone tried a used one-time link, a flood). */
export interface LinkNotice {
  inviteId: string;
  notice: 'used_twice' | 'claim_flood';
  at: number;
}

/** The Links screen: every link with its state and counts, a new one's URL, notices. */
export class LinksModel {
  readonly invites = signal<readonly InviteSummary[]>([]);
  readonly loaded = signal(false);
  /** The link just created: its URL is shown to copy or scan. */
  readonly created = signal<{ url: string; invite: InviteSummary } | undefined>(undefined);
  readonly notices = signal<readonly LinkNotice[]>([]);

  readonly #client: KnockClient;
  readonly #off: () => void;

  constructor(client: KnockClient) {
    this.#client = client;
    this.#off = client.on('inviteNotice', ({ inviteId, notice }) => {
      this.notices.value = [...this.notices.value, { inviteId, notice, at: Date.now() }];
      void this.load();
    });
  }

  async load(): Promise<void> {
    this.invites.value = await this.#client.invites.list();
    this.loaded.value = true;
  }

  async create(options: CreateInviteOptions): Promise<void> {
    const created = await this.#client.invites.create(options);
    this.created.value = created;
    await this.load();
  }

  urlOf(inviteId: string): Promise<string | undefined> {
    return this.#client.invites.urlOf(inviteId);
  }

  async revoke(inviteId: string): Promise<void> {
    await this.#client.invites.revoke(inviteId);
    if (this.created.value?.invite.id === inviteId) this.created.value = undefined;
    await this.load();
  }

  async revokeAll(): Promise<number> {
    const revoked = await this.#client.invites.revokeAll();
    this.created.value = undefined;
    await this.load();
    return revoked;
  }

  dismissNotice(notice: LinkNotice): void {
    this.notices.value = this.notices.value.filter((n) => n !== notice);
  }

  dispose(): void {
    this.#off();
  }
}
