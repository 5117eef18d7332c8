import { describe, expect, it } from 'vitest';
import { colorEnabled, makeChalk } from '../../../src/cli/output/color.js';
import { relativeTime } from '../../../src/domain/relative-time.js';
import { formatSessionPlain, formatSessionTable } from '../../../src/cli/output/session-table.js';
import { DEFAULT_SETTINGS } from '../../../src/domain/settings.js';
import { viewSession } from '../../../src/domain/session-view.js';
import { textWidth } from '../../../src/domain/text-width.js';
import { makeSession } from '../../helpers/session-factory.js';
import { liveOnDefaultServer } from '../../helpers/live-tmux.js';

const now = new Date('2026-11-22T12:00:00.000Z');
const ctx = { settings: DEFAULT_SETTINGS, selfMachineId: 'machine-self', machineNames: new Map(), liveTmux: liveOnDefaultServer([]), reachableMachines: new Set<string>() };

describe('session table', () => {
  const views = [
    makeSession({ id: 'aaaa1111-0000-4000-8000-000000000001', title: 'a fairly long title about refactoring the parser', cwd: '/home/dev/work/some/deep/project', updatedAt: '2026-11-22T11:57:00.000Z' }),
    makeSession({ id: 'aaaa1111-9000-4000-8000-000000000002', vendorSessionId: null, title: 'second', cwd: '/srv/x', updatedAt: '2026-11-20T12:00:00.000Z' }),
  ].map((s) => viewSession(s, ctx));

  it('prints the header, shortest unique ids, relative times and RESUME codes', () => {
    const out = formatSessionTable(views, { now, width: null, home: '/home/dev', chalk: makeChalk(false) });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+AGENT\s+UPDATED\s+ACTIVE\s+RESUME\s+TITLE\s+PATH$/);
    expect(lines[1]).toMatch(/^aaaa1111-0\s+claude\s+3m ago\s+no\s+yes\s+a fairly long title/);
    expect(lines[1]).toContain('~/work/some/deep/project');
    expect(lines[2]).toMatch(/^aaaa1111-9\s+claude\s+2d ago\s+no\s+no\(missing-id\)\s+second\s+\/srv\/x$/);
  });

  it('marks archived rows, and says no(archived) and no(empty) in RESUME', () => {
    const more = [
      makeSession({ id: 'bbbb2222-0000-4000-8000-000000000003', title: 'old work', cwd: '/srv/y', archived: true }),
      makeSession({ id: 'cccc3333-0000-4000-8000-000000000004', title: 'never asked', cwd: '/srv/z' }),
    ].map((s) => viewSession(s, { ...ctx, withoutConversation: new Set(['cccc3333-0000-4000-8000-000000000004']) }));
    const lines = formatSessionTable(more, { now, width: 80, home: '/home/dev', chalk: makeChalk(false) }).trimEnd().split('\n');
    expect(lines[1]).toMatch(/^bbbb\S*\s+claude\s+\S+ ago\s+no\s+no\(archived\)\s+\[archived\] old work\s+\/srv\/y$/);
    expect(lines[2]).toMatch(/^cccc\S*\s+claude\s+\S+ ago\s+no\s+no\(empty\)\s+never asked\s+\/srv\/z$/);
  });

  it('fits the width given, cutting title and path with …', () => {
    const out = formatSessionTable(views, { now, width: 80, home: '/home/dev', chalk: makeChalk(false) });
    for (const l of out.trimEnd().split('\n')) expect(textWidth(l)).toBeLessThanOrEqual(80);
    expect(out).toContain('…');
  });

  it('prints no escape codes when colour is off', () => {
    const out = formatSessionTable(views, { now, width: 80, home: '/home/dev', chalk: makeChalk(false) });
    expect(out).not.toContain('\u001b[');
    expect(formatSessionTable(views, { now, width: 80, home: '/home/dev', chalk: makeChalk(true) })).toContain('\u001b[');
  });

  it('--plain is one line per session', () => {
    expect(formatSessionPlain(views)).toBe(
      'aaaa1111-0000-4000-8000-000000000001 claude inactive /home/dev/work/some/deep/project\n' +
        'aaaa1111-9000-4000-8000-000000000002 claude inactive /srv/x\n',
    );
  });
});

describe('colour decision', () => {
  it('honours NO_COLOR and FORCE_COLOR', () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled({ TERM: 'dumb' }, true)).toBe(false);
  });
});

describe('relative time', () => {
  it('reads like a person would say it', () => {
    expect(relativeTime('2026-11-22T11:59:50.000Z', now)).toBe('10s ago');
    expect(relativeTime('2026-11-22T09:00:00.000Z', now)).toBe('3h ago');
    expect(relativeTime('2026-11-12T12:00:00.000Z', now)).toBe('10d ago');
    expect(relativeTime('2024-01-01T00:00:00.000Z', now)).toBe('2024-01-01');
    expect(relativeTime('garbage', now)).toBe('?');
  });
});
