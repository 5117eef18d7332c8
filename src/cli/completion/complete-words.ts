import type { Argument, Command, Option } from 'commander';

/** Where dynamic candidates come from; the CLI passes one backed by the registry. */
export interface CompletionSource {
  sessionIds(prefix: string): Promise<string[]>;
  vendorIds(prefix: string): Promise<string[]>;
  machineNames(): Promise<string[]>;
  settingKeys(): string[];
  settingValues(key: string): string[];
}

/** Argument and option-value names that mean the same kind of thing everywhere. */
type ValueKind = 'session' | 'vendor' | 'machine' | 'setting-key' | 'setting-value' | 'path' | 'none';

const KIND_BY_NAME: Record<string, ValueKind> = {
  id: 'session',
  'vendor-id': 'vendor',
  name: 'machine',
  machine: 'machine',
  to: 'machine',
  key: 'setting-key',
  value: 'setting-value',
  cwd: 'path',
  'target-path': 'path',
  identity: 'path',
  data: 'path',
};

function findSub(cmd: Command, word: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
}

function findOption(cmd: Command, flag: string): Option | undefined {
  return cmd.options.find((o) => o.long === flag || o.short === flag);
}

function visibleSubs(cmd: Command): string[] {
  return cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => c.name());
}

function optionFlags(cmd: Command): string[] {
  const flags = cmd.options.filter((o) => !o.hidden).map((o) => o.long ?? o.short ?? '').filter(Boolean);
  return [...flags, '--help'];
}

async function valuesFor(kind: ValueKind, cur: string, src: CompletionSource, positional: readonly string[]): Promise<string[]> {
  switch (kind) {
    case 'session':
      return src.sessionIds(cur);
    case 'vendor':
      return src.vendorIds(cur);
    case 'machine':
      return src.machineNames();
    case 'setting-key':
      return src.settingKeys();
    case 'setting-value':
      return positional[0] ? src.settingValues(positional[0]) : [];
    default:
      return [];
  }
}

/**
 * Candidates for the last of `words` (the words after `happier`, the last being the one
 * under the cursor, possibly empty), read off commander's own tree so new commands and
 * options complete without touching this file.
 */
export async function completeWords(program: Command, words: readonly string[], src: CompletionSource): Promise<string[]> {
  let cmd = program;
  let pendingOption: Option | undefined;
  const positional: string[] = [];
  const done = words.slice(0, -1);
  const cur = words[words.length - 1] ?? '';

  for (const w of done) {
    if (pendingOption) {
      pendingOption = undefined;
    } else if (w === '--') {
      continue;
    } else if (w.startsWith('-') && w.length > 1) {
      const [flag, inline] = w.split('=', 2) as [string, string | undefined];
      const opt = findOption(cmd, flag);
      if (opt && (opt.required || opt.optional) && inline === undefined) pendingOption = opt;
    } else if (positional.length === 0 && findSub(cmd, w)) {
      cmd = findSub(cmd, w)!;
    } else {
      positional.push(w);
    }
  }

  let candidates: string[];
  if (pendingOption) {
    candidates = pendingOption.argChoices
      ? [...pendingOption.argChoices]
      : await valuesFor(KIND_BY_NAME[pendingOption.attributeName()] ?? KIND_BY_NAME[pendingOption.long?.slice(2) ?? ''] ?? 'none', cur, src, positional);
  } else if (cur.startsWith('-')) {
    candidates = optionFlags(cmd);
  } else if (cmd.commands.length > 0 && positional.length === 0) {
    candidates = visibleSubs(cmd);
  } else {
    const args = (cmd as unknown as { registeredArguments: readonly Argument[] }).registeredArguments;
    const arg = args[Math.min(positional.length, args.length - 1)];
    if (!arg || (positional.length >= args.length && !arg.variadic)) candidates = [];
    else if (arg.argChoices) candidates = [...arg.argChoices];
    else candidates = await valuesFor(KIND_BY_NAME[arg.name()] ?? 'none', cur, src, positional);
  }
  return candidates.filter((c) => c.startsWith(cur));
}
