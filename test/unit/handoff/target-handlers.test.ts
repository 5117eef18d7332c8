import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBundle } from '../../../src/handoff/bundle-wire.js';
import { registerHandoffHandlers, type TargetDeps } from '../../../src/handoff/target-handlers.js';
import { claudeTrust } from '../../../src/providers/claude/claude-trust.js';
import type { Provider, StateBundle } from '../../../src/providers/provider.js';
import { HandoffPendingRepo } from '../../../src/store/handoff-pending-repo.js';
import { openRegistry, type Registry } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { HandlerRegistry, type AgentStream } from '../../../src/transfer/agent/agent-endpoint.js';
import { makeSession } from '../../helpers/session-factory.js';
import { tempDir } from '../../helpers/temp-dir.js';

// The target's half of a handoff without SSH: the handlers called directly, on a real
// registry and a real file system, with a provider that writes one file per session.

let dir: { path: string; cleanup: () => void };
let reg: Registry;
let handlers: HandlerRegistry;
const providerRoot = () => join(dir.path, 'provider');

const provider = {
  agent: 'claude',
  async readTranscript(_ctx: unknown, id: string) {
    if (!existsSync(join(providerRoot(), `${id}.jsonl`))) throw new Error('not found');
    return { messages: [], skippedLines: 0 };
  },
  // The real Claude trust rules, on a .claude.json in this test's HOME.
  trust: claudeTrust(),
  async importBundle(_ctx: unknown, b: StateBundle, opts: { targetCwd: string }) {
    mkdirSync(providerRoot(), { recursive: true });
    const path = join(providerRoot(), `${b.vendorSessionId}.jsonl`);
    writeFileSync(path, Buffer.concat([b.files[0]!.data, Buffer.from(opts.targetCwd)]));
    return { vendorSessionId: b.vendorSessionId, writtenPaths: [path] };
  },
} as unknown as Provider;

beforeEach(() => {
  dir = tempDir();
  reg = openRegistry(join(dir.path, 'happier'));
  handlers = new HandlerRegistry();
  const deps: TargetDeps = {
    registry: reg,
    sessions: new SessionsRepo(reg),
    happierHome: join(dir.path, 'happier'),
    env: {},
    providerContext: { env: {}, homeDir: dir.path, runner: undefined as never },
    loadProvider: async () => provider,
    lifecycle: async () => {
      throw new Error('no lifecycle in this test');
    },
  };
  registerHandoffHandlers(handlers, async () => deps);
});
afterEach(() => {
  reg.close();
  dir.cleanup();
});

const call = (name: string, params: unknown) => handlers.rpcHandler(name)!(params, { endpoint: undefined as never, body: undefined });

async function stage(handoffId: string, bundle: StateBundle, sourceTrusted = false) {
  const wire = encodeBundle(bundle, { sourceTrusted });
  const messages = [{ header: null, body: wire.body }];
  const stream = { async *[Symbol.asyncIterator]() { yield* messages; } } as unknown as AgentStream;
  return handlers.streamHandler('handoff.stage-state')!(stream, { handoffId, header: wire.header }, { endpoint: undefined as never, body: undefined });
}

const bundle = (id: string): StateBundle => ({ agent: 'claude', vendorSessionId: id, sourceCwd: '/src', meta: {}, files: [{ path: `project/${id}.jsonl`, mode: 0o600, data: Buffer.from('{"a":1}\n') }] });

describe('the target side of a handoff', () => {
  it('replaces a tree only at register, keeps the old one until finalize, and abort puts everything back', async () => {
    const target = join(dir.path, 'home', 'app');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'old.txt'), 'old');
    const id = '11111111-2222-4333-8444-555555555555';
    const params = { handoffId: id, sessionId: 's1', agent: 'claude', targetPath: target, workspace: true, conflict: 'replace', confirmed: false, dryRun: false };
    expect(await call('handoff.prepare', params)).toMatchObject({ needsConfirmation: target });
    const prepared = (await call('handoff.prepare', { ...params, confirmed: true })) as { workspaceStaging: string; placement: string };
    expect(prepared.placement).toBe('replace');
    await stage(id, bundle('v1'));
    // What tree sync would have built beside the target.
    mkdirSync(prepared.workspaceStaging);
    writeFileSync(join(prepared.workspaceStaging, 'new.txt'), 'new');
    expect(readdirSync(target)).toEqual(['old.txt']);

    const session = makeSession({ id: 's1', ownerEpoch: 4 });
    const registered = await call('handoff.register', { handoffId: id, session, resume: false });
    expect(registered).toMatchObject({ targetPath: target, vendorSessionId: 'v1', tmuxSession: null });
    expect(readdirSync(target)).toEqual(['new.txt']);
    expect(new SessionsRepo(reg).get('s1')).toMatchObject({ ownerMachineId: reg.machineId, ownerEpoch: 4, cwd: target });
    expect(await call('handoff.status', { handoffId: id })).toEqual({ state: 'registered' });

    expect(await call('handoff.abort', { handoffId: id })).toEqual({ undone: true });
    expect(readdirSync(target)).toEqual(['old.txt']);
    expect(new SessionsRepo(reg).get('s1')).toBeUndefined();
    expect(existsSync(join(providerRoot(), 'v1.jsonl'))).toBe(false);
    expect(readdirSync(join(dir.path, 'home'))).toEqual(['app']);
    expect(readdirSync(join(dir.path, 'happier', 'handoff'))).toEqual([]);
    expect(await call('handoff.abort', { handoffId: id })).toEqual({ undone: false });
  });

  it('finalize drops the pending mark and the kept tree; a session handed back keeps its earlier row on abort', async () => {
    const target = join(dir.path, 'home', 'back');
    const earlier = makeSession({ id: 's2', ownerMachineId: 'laptop', ownerEpoch: 1, cwd: target });
    new SessionsRepo(reg).insert(earlier);
    const a = '21111111-2222-4333-8444-555555555555';
    const base = { sessionId: 's2', agent: 'claude', targetPath: target, workspace: false, conflict: 'sibling', confirmed: false, dryRun: false };
    await call('handoff.prepare', { ...base, handoffId: a });
    await stage(a, bundle('v2'));
    await call('handoff.register', { handoffId: a, session: { ...earlier, ownerEpoch: 2 }, resume: false });
    expect(new HandoffPendingRepo(reg).isPending('s2')).toBe(true);
    await call('handoff.abort', { handoffId: a });
    expect(new SessionsRepo(reg).get('s2')).toEqual(earlier);
    // The folder happier made for the session goes with the undo.
    expect(existsSync(target)).toBe(false);

    const b = '31111111-2222-4333-8444-555555555555';
    await call('handoff.prepare', { ...base, handoffId: b });
    await stage(b, bundle('v2'));
    await call('handoff.register', { handoffId: b, session: { ...earlier, ownerEpoch: 2 }, resume: false });
    expect(await call('handoff.finalize', { handoffId: b })).toEqual({ finalized: true });
    expect(new HandoffPendingRepo(reg).isPending('s2')).toBe(false);
    expect(new SessionsRepo(reg).get('s2')).toMatchObject({ ownerMachineId: reg.machineId, ownerEpoch: 2 });
    expect(readFileSync(join(providerRoot(), 'v2.jsonl'), 'utf8')).toBe(`{"a":1}\n${target}`);
    // Finalized means the source committed: a late abort changes nothing.
    expect(await call('handoff.abort', { handoffId: b })).toEqual({ undone: false });
  });

  it('refuses a damaged bundle and a session this machine already owns', async () => {
    const id = '41111111-2222-4333-8444-555555555555';
    await call('handoff.prepare', { handoffId: id, sessionId: 's3', agent: 'claude', targetPath: join(dir.path, 'x'), workspace: false, conflict: 'sibling', confirmed: false, dryRun: false });
    const wire = encodeBundle(bundle('v3'));
    const stream = { async *[Symbol.asyncIterator]() { yield { header: null, body: Buffer.from('tampered') }; } } as unknown as AgentStream;
    await expect(handlers.streamHandler('handoff.stage-state')!(stream, { handoffId: id, header: wire.header }, { endpoint: undefined as never, body: undefined })).rejects.toMatchObject({ code: 'TRANSFER_FAILED' });

    new SessionsRepo(reg).insert(makeSession({ id: 's4', ownerMachineId: reg.machineId }));
    await expect(call('handoff.prepare', { handoffId: '51111111-2222-4333-8444-555555555555', sessionId: 's4', agent: 'claude', targetPath: '/tmp', workspace: false, conflict: 'sibling', confirmed: false, dryRun: false })).rejects.toThrow(/already owns/);
  });

  it('trusts the target path only when the source was trusted, journals the grant first, and abort takes back exactly it', async () => {
    const claudeJson = join(dir.path, '.claude.json');
    const original = { hasCompletedOnboarding: true, projects: { '/elsewhere': { hasTrustDialogAccepted: true } } };
    writeFileSync(claudeJson, JSON.stringify(original));
    const linked = join(dir.path, 'link');
    mkdirSync(join(dir.path, 'real'));
    symlinkSync(join(dir.path, 'real'), linked);
    const target = join(linked, 'app "quoted" ünï');
    const base = { sessionId: 's5', agent: 'claude', targetPath: target, workspace: false, conflict: 'sibling', confirmed: false, dryRun: false };
    const projects = () => JSON.parse(readFileSync(claudeJson, 'utf8')).projects;
    // Claude keys trust by the resolved folder it runs in.
    const key = join(dir.path, 'real', 'app "quoted" ünï');

    const untrusted = '61111111-2222-4333-8444-555555555555';
    await call('handoff.prepare', { ...base, handoffId: untrusted });
    await stage(untrusted, bundle('v5'));
    await call('handoff.register', { handoffId: untrusted, session: null, resume: false });
    expect(new HandoffPendingRepo(reg).get(untrusted)!.undo.trustGrant).toBeNull();
    expect(projects()).toEqual(original.projects);
    await call('handoff.abort', { handoffId: untrusted });

    const trusted = '71111111-2222-4333-8444-555555555555';
    await call('handoff.prepare', { ...base, handoffId: trusted });
    await stage(trusted, bundle('v5'), true);
    await call('handoff.register', { handoffId: trusted, session: null, resume: false });
    expect(projects()[key]).toEqual({ hasTrustDialogAccepted: true });
    expect(new HandoffPendingRepo(reg).get(trusted)!.undo.trustGrant).toMatchObject({ agent: 'claude', configPath: claudeJson, key, createdFile: false });
    expect(await call('handoff.abort', { handoffId: trusted })).toEqual({ undone: true });
    expect(JSON.parse(readFileSync(claudeJson, 'utf8'))).toEqual(original);

    // A grant journaled by a register that died before its write: the undo finds nothing of it and changes nothing.
    const crashed = '81111111-2222-4333-8444-555555555555';
    await call('handoff.prepare', { ...base, handoffId: crashed });
    new HandoffPendingRepo(reg).update(crashed, () => ({ undo: { trustGrant: { agent: 'claude', configPath: claudeJson, key, createdFile: false, before: { entry: false } } } }));
    const bytes = readFileSync(claudeJson, 'utf8');
    await call('handoff.abort', { handoffId: crashed });
    expect(readFileSync(claudeJson, 'utf8')).toBe(bytes);
  });

  it('a target config it cannot parse fails the register and is left as it was, with nothing else left behind', async () => {
    const claudeJson = join(dir.path, '.claude.json');
    writeFileSync(claudeJson, '{"projects": ');
    const id = '91111111-2222-4333-8444-555555555555';
    const target = join(dir.path, 'home', 'broken');
    await call('handoff.prepare', { handoffId: id, sessionId: 's6', agent: 'claude', targetPath: target, workspace: false, conflict: 'sibling', confirmed: false, dryRun: false });
    await stage(id, bundle('v6'), true);
    await expect(call('handoff.register', { handoffId: id, session: null, resume: false })).rejects.toMatchObject({ code: 'PROVIDER_CONFIG' });
    expect(readFileSync(claudeJson, 'utf8')).toBe('{"projects": ');
    expect(existsSync(target)).toBe(false);
    expect(new HandoffPendingRepo(reg).get(id)).toBeUndefined();
  });
});
