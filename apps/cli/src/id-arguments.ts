import { Command } from 'commander';
import type { ParseOptionsResult } from 'commander';
import { ID_PATTERN } from '@knock/protocol/limits';

/**
 * A command whose arguments may be Knock ids that start with `-`.
 *
 * Chat and link ids are 22 base64url characters, so about one in 64 begins with `-`. Commander
 * would read `knock send -Qx…` as an unknown option (or, for `-v…`, as `--verbose` followed by
 * junk). Before each level of parsing, an id-shaped word that is no flag of this program is
 * masked, so it stays an argument wherever it stands, and unmasked after. Option values are left
 * alone: a value-taking option already takes the next word, whatever it starts with.
 */
export class KnockCommand extends Command {
  override createCommand(name?: string): KnockCommand {
    return new KnockCommand(name);
  }

  override parseOptions(argv: string[]): ParseOptionsResult {
    const masked = new Map<string, string>();
    const words = [...argv];
    for (let i = 0; i < words.length; i++) {
      const word = words[i] ?? '';
      if (word === '--') break;
      if (this.takesValue(word)) i++;
      else if (this.isDashedId(word)) {
        const mask = `\u0000id${String(masked.size)}`;
        masked.set(mask, word);
        words[i] = mask;
      }
    }
    const parsed = super.parseOptions(words);
    if (masked.size === 0) return parsed;
    const unmask = (list: string[]) => list.map((word) => masked.get(word) ?? word);
    return { operands: unmask(parsed.operands), unknown: unmask(parsed.unknown) };
  }

  private takesValue(word: string): boolean {
    const option = this.options.find(
      (candidate) => candidate.long === word || candidate.short === word,
    );
    return option !== undefined && (option.required || option.optional);
  }

  private isDashedId(word: string): boolean {
    return word.startsWith('-') && ID_PATTERN.test(word) && !programFlags(this).has(word);
  }
}

/** Every flag any command of the program defines, so a long option is never taken for an id. */
function programFlags(command: Command): Set<string> {
  let root = command;
  while (root.parent) root = root.parent;
  const flags = new Set<string>();
  const visit = (node: Command) => {
    for (const option of node.options) {
      if (option.long) flags.add(option.long);
      if (option.short) flags.add(option.short);
    }
    node.commands.forEach(visit);
  };
  visit(root);
  return flags;
}
