import { Command } from 'commander';
import {
  SETTING_KEYS,
  formatSettingValue,
  parseSettingValue,
  settingSpec,
  validateSettingValue,
  type SettingValue,
} from '../../domain/settings.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { formatTable } from '../output/table-layout.js';
import { outputWidth } from '../cli-io.js';

interface SettingRow {
  key: string;
  value: SettingValue;
  default: SettingValue;
  isDefault: boolean;
  description: string;
}

async function currentRows(ctx: CliContext): Promise<SettingRow[]> {
  const stored = (await ctx.store()).settings.stored();
  return SETTING_KEYS.map((spec) => {
    let value = spec.default;
    let isDefault = true;
    if (stored.has(spec.key)) {
      try {
        value = validateSettingValue(spec.key, stored.get(spec.key));
        isDefault = false;
      } catch {
        // An invalid stored value reads as the default, as everywhere else.
      }
    }
    return { key: spec.key, value, default: spec.default, isDefault, description: spec.description };
  });
}

export function settingsCommand(ctx: CliContext): Command {
  const cmd = new Command('settings').description('read and change settings (kept in the registry)');

  cmd
    .command('list')
    .description('every setting with its value')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const rows = await currentRows(ctx);
      if (opts.json) {
        ctx.out(okEnvelope('settings_list', { settings: rows }) + '\n');
        return;
      }
      const lines = formatTable(
        [{ header: 'KEY' }, { header: 'VALUE', shrink: 'end', minWidth: 8 }, { header: 'DESCRIPTION', shrink: 'end', minWidth: 10, drop: 1 }],
        rows.map((r) => [r.key, formatSettingValue(r.value) + (r.isDefault ? '' : ' *'), r.description]),
        outputWidth(ctx.io),
        (col, text) => (col === 2 ? ctx.chalk.dim(text) : text),
        (h) => ctx.chalk.bold(h),
      );
      ctx.out(lines.join('\n') + '\n');
      if (rows.some((r) => !r.isDefault)) ctx.note('* set by you; `happier settings reset <key>` restores the default');
    });

  cmd
    .command('get')
    .description('print one setting')
    .argument('<key>')
    .option('--json', 'JSON envelope on stdout')
    .action(async (key: string, opts: { json?: boolean }) => {
      settingSpec(key);
      const row = (await currentRows(ctx)).find((r) => r.key === key)!;
      if (opts.json) ctx.out(okEnvelope('settings_get', row) + '\n');
      else ctx.out(formatSettingValue(row.value) + '\n');
    });

  cmd
    .command('set')
    .description('change one setting; lists take commas or a JSON array')
    .argument('<key>')
    .argument('<value>')
    .option('--json', 'JSON envelope on stdout')
    .action(async (key: string, raw: string, opts: { json?: boolean }) => {
      const value = parseSettingValue(key, raw);
      (await ctx.store()).settings.set(key, value, ctx.io.now());
      if (opts.json) ctx.out(okEnvelope('settings_set', { key, value }) + '\n');
      else ctx.note(`${key} = ${formatSettingValue(value)}`);
    });

  cmd
    .command('reset')
    .description('restore one setting, or all of them, to the default')
    .argument('[key]')
    .option('--json', 'JSON envelope on stdout')
    .action(async (key: string | undefined, opts: { json?: boolean }) => {
      if (key !== undefined) settingSpec(key);
      const count = (await ctx.store()).settings.reset(key);
      if (opts.json) ctx.out(okEnvelope('settings_reset', { key: key ?? null, reset: count }) + '\n');
      else ctx.note(key ? `${key} is back to ${formatSettingValue(settingSpec(key).default)}` : 'every setting is back to its default');
    });

  return cmd;
}
