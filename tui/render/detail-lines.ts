import { explainResumeBlock, resumeLabel } from '../../src/domain/resume-eligibility.js';
import { humanSize } from '../../src/domain/byte-size.js';
import { inputReasonText } from '../../src/domain/session-input.js';
import type { BrowserRow } from '../state/browser-rows.js';
import type { Preview } from '../state/browser-state.js';
import type { Line } from '../view/view.js';
import { fit, relativeTime, sanitize, wrap } from './text-fit.js';

export interface DetailContext {
  readonly now: Date;
}

function field(name: string, value: string, width: number): Line {
  return [
    { text: fit(name, 10), tone: 'dim' },
    { text: fit(sanitize(value), Math.max(0, width - 10)) },
  ];
}

function metadata(row: BrowserRow, width: number, ctx: DetailContext, compact: boolean): Line[] {
  const when = (iso: string) => `${relativeTime(iso, ctx.now)} (${iso.slice(0, 16).replace('T', ' ')})`;
  switch (row.kind) {
    case 'session': {
      const v = row.view;
      const s = v.session;
      const resume = v.resume.status === 'yes' ? 'yes' : `${resumeLabel(v.resume)}: ${explainResumeBlock(v.resume.reason)}`;
      const owner = `${v.ownerMachineName ?? s.ownerMachineId}${v.ownedHere ? ' (this machine)' : ''}`;
      if (compact) {
        return [
          [{ text: fit(sanitize(s.title) || '(untitled)', width), tone: 'bold' }],
          field('session', `${s.id.slice(0, 8)}  ${s.agent} (${s.backend})  vendor ${s.vendorSessionId ?? '(not known yet)'}`, width),
          field('cwd', s.cwd, width),
          field('owner', `${owner}, ${v.active ? 'active' : 'inactive'}${s.archived ? ', archived' : ''}; resume ${resumeLabel(v.resume)}`, width),
        ];
      }
      return [
        [{ text: fit(sanitize(s.title) || '(untitled)', width), tone: 'bold' }],
        field('id', s.id, width),
        field('agent', `${s.agent} (${s.backend})  vendor ${s.vendorSessionId ?? '(not known yet)'}`, width),
        field('cwd', s.cwd, width),
        field('owner', `${owner}, epoch ${s.ownerEpoch}`, width),
        field('state', `${v.active ? 'active' : 'inactive'}${s.archived ? ', archived' : ''}; updated ${when(s.updatedAt)}`, width),
        field('resume', resume, width),
        field('input', `${v.input.state === 'enabled' ? 'm sends a message' : 'disabled'}: ${inputReasonText(v.input.reason)}`, width),
      ];
    }
    case 'direct': {
      const d = row.direct;
      if (compact) {
        return [
          [{ text: fit(sanitize(d.title) || '(untitled)', width), tone: 'bold' }],
          field('vendor', `${d.agent} ${d.vendorSessionId}`, width),
          field('cwd', d.cwd, width),
          field('happier', `${row.takenOver ? `taken over as ${row.takenOver.slice(0, 8)}` : 'not taken over (t)'}; ${d.messageCount} messages`, width),
        ];
      }
      return [
        [{ text: fit(sanitize(d.title) || '(untitled)', width), tone: 'bold' }],
        field('vendor', `${d.agent} ${d.vendorSessionId}`, width),
        field('cwd', d.cwd, width),
        field('file', d.path, width),
        field('size', `${d.messageCount} messages, ${humanSize(d.sizeBytes)}; updated ${when(d.updatedAt)}`, width),
        field('happier', row.takenOver ? `taken over as ${row.takenOver}` : 'not taken over (t)', width),
      ];
    }
    case 'machine': {
      const m = row.machine;
      const st = row.status;
      const status = m.isSelf
        ? 'this machine'
        : st.online === true
          ? `online; providers: ${st.providers?.join(', ') || 'none'}`
          : st.online === false
            ? `offline: ${st.reason ?? 'no answer'}`
            : 'not checked yet';
      return [
        [{ text: fit(sanitize(m.name), width), tone: 'bold' }],
        field('status', status, width),
        field('id', m.id, width),
        field('ssh', m.sshTarget ?? '(this machine)', width),
        field('identity', m.identityFile ?? '-', width),
        field('added', when(m.createdAt), width),
      ];
    }
  }
}

function previewLines(preview: Preview | null, width: number): Line[] {
  if (!preview) return [];
  if (preview.status === 'loading') return [[{ text: 'loading transcript…', tone: 'dim' }]];
  if (preview.status !== 'ready') return [[{ text: fit(preview.note ?? 'no preview', width), tone: preview.status === 'error' ? 'bad' : 'dim' }]];
  if (preview.messages.length === 0) return [[{ text: 'no messages yet', tone: 'dim' }]];
  const out: Line[] = [];
  for (const m of preview.messages) {
    const who = m.role === 'user' ? 'you' : m.role;
    out.push([{ text: fit(`${who}:`, width), tone: m.role === 'user' ? 'accent' : 'good' }]);
    for (const l of wrap(sanitize(m.text), Math.max(1, width - 2))) out.push([{ text: fit('  ' + l, width) }]);
  }
  return out;
}

/**
 * The detail pane: the row's metadata, then as much of the transcript's end as fits.
 * `preview.scroll` moves the window up from the newest line.
 */
export function detailLines(row: BrowserRow | null, preview: Preview | null, size: { width: number; height: number }, ctx: DetailContext): Line[] {
  const rule: Line = [{ text: '─'.repeat(size.width), tone: 'dim' }];
  if (!row) return [rule];
  // A short pane (80x24) keeps the metadata to four lines so the transcript still shows.
  const meta = metadata(row, size.width, ctx, size.height < 14);
  const head: Line[] = [rule, ...meta];
  if (row.kind === 'machine') return head.slice(0, size.height);
  const room = size.height - head.length - 1;
  if (room <= 0) return head.slice(0, size.height);
  const body = previewLines(preview, size.width);
  const scroll = Math.min(preview?.scroll ?? 0, Math.max(0, body.length - room));
  const end = body.length - scroll;
  const shown = body.slice(Math.max(0, end - room), end);
  const title = scroll > 0 ? `latest messages (scrolled up ${scroll})` : 'latest messages';
  return [...head, [{ text: fit(`── ${title} `, size.width, 'end').replace(/ +$/, (s) => '─'.repeat(s.length)), tone: 'dim' }], ...shown];
}
