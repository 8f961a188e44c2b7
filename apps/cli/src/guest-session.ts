import { isKnockError } from '@knock/client/errors';
import { guestClient } from './client-factory.js';
import { CliError } from './errors.js';
import type { Guest } from './guest-state.js';
import { deleteGuest } from './guest-state.js';
import type { CliIo } from './io.js';
import { listenUntilStopped } from './listen-loop.js';
import type { CommonOptions } from './options.js';
import type { Output } from './output.js';

export const GUEST_REFUSED =
  'The server no longer accepts this guest chat: it ended, expired or was blocked. `knock guest end` removes it from this machine.';

/** Runs a guest's task, telling a refused token as the end of its chat (not as a login to redo). */
export async function asGuest<T>(task: Promise<T>): Promise<T> {
  try {
    return await task;
  } catch (error) {
    throw isKnockError(error) && error.code === 'unauthorized'
      ? new CliError('unauthorized', GUEST_REFUSED)
      : error;
  }
}

/**
 * Prints the guest chat's events until interrupted (like `knock listen`). When the chat closes
 * its token is dead, so its state leaves this machine and listening ends.
 */
export async function listenAsGuest(
  io: CliIo,
  options: CommonOptions & { markRead?: boolean },
  stateDir: string,
  guest: Guest,
  output: Output,
): Promise<void> {
  const { chatId, name } = guest.profile;
  const client = guestClient(io, options, guest, { receive: true });
  const stopped = await asGuest(
    listenUntilStopped(io, client, output, {
      me: name,
      markRead: options.markRead === true,
      refused: GUEST_REFUSED,
      until: chatId,
    }),
  );
  if (stopped !== 'closed') return;
  await deleteGuest(stateDir, chatId);
  await output.note('The chat is over: its token and keys are removed from this machine.');
}
