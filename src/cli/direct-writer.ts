import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Agent } from '../domain/agent.js';
import { findLiveWriter, type LiveWriter, type ProcessProbe, type WriterTarget } from '../domain/live-writer.js';
import type { ProviderExecutables } from '../domain/provider-process.js';
import type { Provider, ProviderContext } from '../providers/provider.js';
import type { CliContext } from './context.js';
import { providerContext } from './direct-sessions.js';

export interface DirectSubject {
  readonly agent: Agent;
  readonly vendorSessionId: string;
  readonly cwd: string;
  /** Where discovery found the session (DirectSession.path), or null when unknown. */
  readonly path: string | null;
}

function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function mtimeOrNull(path: string | null): number | null {
  if (path === null) return null;
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** The provider's install layouts, plus the binary happier itself is configured to run. */
export function executablesFor(provider: Provider, pctx: ProviderContext, cwd: string): ProviderExecutables {
  const bin = provider.binary(pctx);
  if (!bin.includes('/')) return { ...provider.executables, names: [...provider.executables.names, bin], paths: [] };
  const given = isAbsolute(bin) ? bin : resolve(cwd, bin);
  const real = realpathOrNull(given);
  return { ...provider.executables, paths: real && real !== given ? [given, real] : [given] };
}

/** The provider process writing a direct session on this machine right now, or null. */
export async function directWriter(ctx: CliContext, subject: DirectSubject, probe: ProcessProbe): Promise<LiveWriter | null> {
  const { loadProvider } = await import('../providers/all-providers.js');
  const [provider, pctx] = await Promise.all([loadProvider(subject.agent), providerContext(ctx)]);
  const real = realpathOrNull(subject.cwd);
  // Claude and Codex write a file of their own per session; OpenCode keeps every session
  // in one database, where no open file can tell which one a process writes.
  const transcriptPath = subject.path?.endsWith('.jsonl') ? subject.path : null;
  const target: WriterTarget = {
    provider: executablesFor(provider, pctx, ctx.io.cwd),
    isVendorId: (arg) => provider.isVendorId(arg),
    vendorSessionId: subject.vendorSessionId,
    cwds: real && real !== subject.cwd ? [subject.cwd, real] : [subject.cwd],
    transcriptPath,
    mtimeMs: mtimeOrNull(transcriptPath),
    claimedPids: provider.liveClaims?.(pctx, subject.vendorSessionId) ?? [],
  };
  return findLiveWriter(probe, target, ctx.io.now().getTime());
}
