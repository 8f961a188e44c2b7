import { KnockError } from '@knock/client/errors';
import { CommanderError } from 'commander';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the CLI reports as one line `knock: <code>: <message>` and an exit code. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string): CliError {
  return new CliError('usage', message, EXIT_USAGE);
}

/** Maps anything thrown by a command to a CliError. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof KnockError) return new CliError(error.code, hint(error), EXIT_FAILURE);
  if (error instanceof CommanderError) {
    // Help was shown instead of running a command (e.g. `knock user`): the help is the message.
    if (error.code === 'commander.help')
      return new CliError('usage', '', error.exitCode === 0 ? EXIT_OK : EXIT_USAGE);
    const message = error.message.replace(/^error: /, '');
    return new CliError('usage', message, error.exitCode === 0 ? EXIT_OK : EXIT_USAGE);
  }
  return new CliError('internal_error', error instanceof Error ? error.message : String(error));
}

function hint(error: KnockError): string {
  if (error.code === 'unauthorized') return `${error.message} Run \`knock login <username>\`.`;
  if (error.code === 'network_error') return error.message;
  return error.message;
}

/** Sending to or reading from a peer whose key changed waits for `knock chat trust`. */
export function identityChangedError(username: string): CliError {
  return new CliError(
    'identity_changed',
    `${username}'s security key changed. Compare the safety number (\`knock chat safety-number ${username}\`) with them, then run \`knock chat trust ${username}\`.`,
  );
}

export function formatError(error: CliError): string {
  return `knock: ${error.code}: ${error.message}\n`;
}
