import { rm } from 'node:fs/promises';
import { FileStore } from '@knock/client/file-store.node';
import { joinGuestLink } from '@knock/client/guest-join';
import type { ChatSummary } from '@knock/protocol/http';
import type { Command } from 'commander';
import { clientBase, fileEndToEnd, serverOption } from '../client-factory.js';
import { usageError } from '../errors.js';
import { formatJoined } from '../guest-format.js';
import { listenAsGuest } from '../guest-session.js';
import type { Guest } from '../guest-state.js';
import { saveGuest, stageGuest } from '../guest-state.js';
import type { CliIo } from '../io.js';
import type { CommonOptions } from '../options.js';
import { parseServerUrl, stateDirFrom, withCommonOptions } from '../options.js';
import { Output } from '../output.js';

interface JoinOptions extends CommonOptions {
  name: string;
  listen: boolean;
  markRead?: boolean;
}

/**
 * `knock guest join <link> --name <name>`: opens a host's guest link as a guest (for bots and
 * tests), with a fresh identity kept for this chat alone (see guest-state.ts), then listens.
 */
export function registerGuestJoin(guest: Command, io: CliIo): void {
  withCommonOptions(
    guest
      .command('join')
      .description("join a host's guest link, then print the chat's messages until Ctrl-C")
      .argument('<link>', 'the link as the host shared it (https://…/j#1.…)')
      .requiredOption('--name <name>', 'the name the host sees, with "(Guest)" beside it')
      .option('--no-listen', 'exit once joined')
      .option('--mark-read', 'mark each printed message as read'),
    { server: "server URL (default: the link's own)" },
  ).action(async (link: string, options: JoinOptions) => {
    // The server is the link's own, unless --server says otherwise.
    const server = serverOption(options) ?? parseServerUrl(link);
    if (server === undefined)
      throw usageError('Give the whole link (https://…/j#1.…), or the server with --server.');
    const stateDir = stateDirFrom(options, io);
    const output = new Output(io, options.json === true);
    await output.note('Joining (the server first asks for a short proof of work)…');
    const joined = await join(io, options, stateDir, link, server);
    const { human, data } = formatJoined({ ...joined.profile, chat: joined.chat }, Date.now());
    await output.emit(human, data);
    if (options.listen) await listenAsGuest(io, options, stateDir, joined, output);
  });
}

/** Joins in a staged directory and moves it into place under the chat's id once joined. */
async function join(
  io: CliIo,
  options: JoinOptions,
  stateDir: string,
  link: string,
  server: string,
): Promise<Guest & { chat: ChatSummary }> {
  const staged = await stageGuest(stateDir);
  try {
    const joined = await joinGuestLink({
      ...clientBase(io, options),
      link,
      name: options.name,
      serverUrl: server,
      e2ee: fileEndToEnd(staged.keys),
      store: new FileStore(staged.store),
    });
    await joined.client.close();
    const profile = {
      server,
      token: joined.token,
      user: joined.user,
      chatId: joined.chat.id,
      name: joined.name,
      hostName: joined.hostName,
    };
    const guest: Guest = { profile, files: await saveGuest(stateDir, staged, profile) };
    return { ...guest, chat: joined.chat };
  } catch (error) {
    await rm(staged.dir, { recursive: true, force: true });
    throw error;
  }
}
