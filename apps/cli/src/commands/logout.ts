import type { Command } from 'commander';
import { httpClient, resolveServer } from '../client-factory.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';
import { deleteSession, loadSession } from '../state.js';
import { KnockError } from '@knock/client/errors';

/** `knock logout`: revokes the token on the server and forgets it locally. */
export function registerLogout(program: Command, io: CliIo): void {
  withCommonOptions(
    program.command('logout').description('sign out and revoke the stored token'),
  ).action(async (options: CommonOptions) => {
    const output = new Output(io, options.json === true);
    const stateDir = stateDirFrom(options, io);
    const session = await loadSession(stateDir).catch(() => undefined);
    if (!session) {
      await deleteSession(stateDir);
      await output.emit('Not logged in.', { type: 'logout', wasLoggedIn: false });
      return;
    }
    const server = resolveServer(options, session);
    let revokeError: KnockError | undefined;
    try {
      await httpClient(server, session).deleteSession();
    } catch (error) {
      // An already revoked or expired token is as good as revoked.
      if (!(error instanceof KnockError) || error.code !== 'unauthorized') {
        revokeError = error instanceof KnockError ? error : new KnockError('network_error');
      }
    }
    await deleteSession(stateDir);
    if (revokeError) {
      throw new CliError(
        revokeError.code,
        `Logged out locally, but the server did not revoke the token: ${revokeError.message}`,
      );
    }
    await output.emit(`Logged out ${session.user.username}.`, {
      type: 'logout',
      wasLoggedIn: true,
    });
  });
}
