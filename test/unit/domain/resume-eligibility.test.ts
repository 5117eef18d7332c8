import { describe, expect, it } from 'vitest';
import { resumeEligibility, resumeLabel } from '../../../src/domain/resume-eligibility.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../../../src/domain/settings.js';

const withSettings = (entries: Record<string, unknown>) => resolveSettings(new Map(Object.entries(entries)));
const claude = { agent: 'claude' as const, backend: 'cli' as const, vendorSessionId: '0b7c8f7e-1111-4222-8333-944455556666' };

describe('resume eligibility (the RESUME column)', () => {
  it('is yes for an enabled provider with a vendor id', () => {
    expect(resumeLabel(resumeEligibility(claude, DEFAULT_SETTINGS))).toBe('yes');
  });

  it('is no(off) when the backend is disabled, before every other reason', () => {
    const s = withSettings({ 'backends.codex.enabled': false, 'backends.codex.resume': false });
    const codexMcpNoId = { agent: 'codex' as const, backend: 'mcp' as const, vendorSessionId: null };
    expect(resumeEligibility(codexMcpNoId, s)).toEqual({ status: 'no', reason: 'off' });
  });

  it('is no(unsupported) for Codex on the mcp path, before disabled and missing-id', () => {
    const s = withSettings({ 'backends.codex.resume': false });
    expect(resumeEligibility({ agent: 'codex', backend: 'mcp', vendorSessionId: null }, s)).toEqual({
      status: 'no',
      reason: 'unsupported',
    });
  });

  it('keeps Codex resumable on the app-server and acp paths', () => {
    const id = '019a0000-0000-7000-8000-000000000000';
    expect(resumeEligibility({ agent: 'codex', backend: 'app-server', vendorSessionId: id }, DEFAULT_SETTINGS).status).toBe('yes');
    expect(resumeEligibility({ agent: 'codex', backend: 'acp', vendorSessionId: id }, DEFAULT_SETTINGS).status).toBe('yes');
  });

  it('is no(disabled) when resume is turned off, before missing-id', () => {
    const s = withSettings({ 'backends.claude.resume': false });
    expect(resumeEligibility({ ...claude, vendorSessionId: null }, s)).toEqual({ status: 'no', reason: 'disabled' });
  });

  it('is no(missing-id) without a vendor session id', () => {
    expect(resumeLabel(resumeEligibility({ ...claude, vendorSessionId: null }, DEFAULT_SETTINGS))).toBe('no(missing-id)');
  });

  it('is no(empty) when the provider has no conversation on disk yet, after every other reason', () => {
    expect(resumeLabel(resumeEligibility(claude, DEFAULT_SETTINGS, false))).toBe('no(empty)');
    expect(resumeEligibility({ ...claude, vendorSessionId: null }, DEFAULT_SETTINGS, false)).toEqual({ status: 'no', reason: 'missing-id' });
    const s = withSettings({ 'backends.claude.resume': false });
    expect(resumeEligibility(claude, s, false)).toEqual({ status: 'no', reason: 'disabled' });
  });

  it('is no(archived) for an archived session, before every other reason', () => {
    const s = withSettings({ 'backends.claude.enabled': false });
    expect(resumeLabel(resumeEligibility({ ...claude, archived: true }, s, false))).toBe('no(archived)');
    expect(resumeLabel(resumeEligibility({ ...claude, archived: true }, DEFAULT_SETTINGS))).toBe('no(archived)');
    expect(resumeLabel(resumeEligibility({ ...claude, archived: false }, DEFAULT_SETTINGS))).toBe('yes');
  });

  it('only looks at the settings of the session\'s own provider', () => {
    const s = withSettings({ 'backends.opencode.enabled': false });
    expect(resumeEligibility(claude, s).status).toBe('yes');
  });
});
