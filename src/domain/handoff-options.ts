import type { ConflictPolicy, DirectMode, IgnoredMode, Settings } from './settings.js';

/** What one handoff will do, after the flags have overridden the `handoff.*` settings. */
export interface HandoffOptions {
  readonly workspace: boolean;
  readonly conflict: ConflictPolicy;
  readonly confirmed: boolean;
  readonly ignored: IgnoredMode;
  readonly include: readonly string[];
  readonly targetPath: string | null;
  readonly directMode: DirectMode;
  readonly dryRun: boolean;
}

export interface HandoffFlags {
  readonly workspace?: boolean;
  readonly conflict?: ConflictPolicy;
  readonly yes?: boolean;
  readonly ignored?: IgnoredMode;
  readonly include?: readonly string[];
  readonly targetPath?: string;
  readonly directMode?: DirectMode;
  readonly dryRun?: boolean;
}

/** Each flag given overrides its setting for this handoff only; include globs replace the list. */
export function resolveHandoffOptions(defaults: Settings['handoff'], flags: HandoffFlags): HandoffOptions {
  const include = flags.include && flags.include.length > 0 ? flags.include : defaults.include;
  return {
    workspace: flags.workspace ?? defaults.workspace,
    conflict: flags.conflict ?? defaults.conflict,
    confirmed: flags.yes ?? false,
    // Naming globs to bring along only makes sense with include-selected, so they imply it.
    ignored: flags.ignored ?? (flags.include && flags.include.length > 0 ? 'include-selected' : defaults.ignored),
    include,
    targetPath: flags.targetPath ?? null,
    directMode: flags.directMode ?? defaults.directMode,
    dryRun: flags.dryRun ?? false,
  };
}
