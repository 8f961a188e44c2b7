import type { Command } from 'commander';
import { renderUnicodeCompact } from 'uqr';
import { withSessionClient } from '../client-factory.js';
import { usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { describeInvite, formatInviteTable, parseExpiry, parseMaxUses } from '../invite-format.js';
import type { CommonOptions } from '../options.js';
import { withCommonOptions } from '../options.js';

interface CreateOptions extends CommonOptions {
  reusable?: boolean;
  label?: string;
  expires?: string;
  maxUses?: number;
  name?: string;
  qr: boolean;
}

interface RevokeOptions extends CommonOptions {
  all?: boolean;
}

/** `knock invite create|list|revoke`: guest links of the logged-in user. */
export function registerInvite(invite: Command, io: CliIo): void {
  withCommonOptions(
    invite
      .command('create')
      .description('create a guest link (one-time unless --reusable) and print it with a QR code')
      .option('--reusable', 'every guest gets their own chat (default: the first guest only)')
      .option('--label <text>', 'a note for you; guests never see it')
      .option('--expires <when>', 'when the link stops working: 12h, 7d, 2w or an ISO date')
      .option('--max-uses <n>', 'with --reusable: how many guests may start a chat', parseMaxUses)
      .option('--name <name>', 'the name guests see (default: your display name)')
      .option('--no-qr', 'print the link without a QR code'),
  ).action(async (options: CreateOptions) => {
    if (options.maxUses !== undefined && options.reusable !== true) {
      throw usageError('--max-uses is for --reusable links; a one-time link is used once.');
    }
    const expiresAt =
      options.expires === undefined ? undefined : parseExpiry(options.expires, Date.now());
    await withSessionClient(io, options, async (client, session, output) => {
      await client.publishKeys();
      const { url, invite } = await client.invites.create({
        displayName: options.name ?? session.user.displayName,
        ...(options.reusable === true && { reusable: true }),
        ...(options.label !== undefined && { label: options.label }),
        ...(expiresAt !== undefined && { expiresAt }),
        ...(options.maxUses !== undefined && { maxUses: options.maxUses }),
      });
      const qr = options.qr ? `\n\n${renderUnicodeCompact(url, { border: 2 })}` : '';
      await output.emit(`${describeInvite(invite, Date.now())}\n${url}${qr}`, {
        type: 'invite',
        url,
        invite,
      });
    });
  });

  withCommonOptions(
    invite.command('list').description('list your guest links and their state'),
  ).action((options: CommonOptions) =>
    withSessionClient(io, options, async (client, _session, output) => {
      const invites = await client.invites.list();
      if (output.json) {
        for (const item of invites) await output.emit('', { type: 'invite', invite: item });
        return;
      }
      await output.emit(
        invites.length === 0 ? 'No links yet.' : formatInviteTable(invites, Date.now()),
        {},
      );
    }),
  );

  withCommonOptions(
    invite
      .command('revoke')
      .description('revoke a guest link at once (or every open one with --all)')
      .argument('[id]', 'the link id, as `knock invite list` shows it')
      .option('--all', 'revoke every open link'),
  ).action((id: string | undefined, options: RevokeOptions) => {
    if ((id === undefined) === (options.all !== true)) {
      throw usageError('Name one link id, or pass --all.');
    }
    return withSessionClient(io, options, async (client, _session, output) => {
      if (id !== undefined) {
        await client.invites.revoke(id);
        await output.emit(`Revoked ${id}.`, { type: 'revoked', id });
        return;
      }
      const revoked = await client.invites.revokeAll();
      await output.emit(`Revoked ${revoked} open link${revoked === 1 ? '' : 's'}.`, {
        type: 'revoked',
        count: revoked,
      });
    });
  });
}
