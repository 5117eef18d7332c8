import type { BrowserState, Mode, PromptPurpose } from '../state/browser-state.js';
import { formFields, formProblem, type HandoffField, type HandoffForm } from '../state/handoff-form.js';
import { PHASES, PHASE_LABELS, type HandoffProgress, type PhaseStatus } from '../state/handoff-progress.js';
import { HELP_LINES } from '../state/status-hints.js';
import type { TextInput } from '../state/text-input.js';
import type { Line, Span, Tone } from '../view/view.js';
import { fit, sanitize, textWidth, wrap } from './text-fit.js';

export interface Overlay {
  readonly title: string;
  readonly lines: readonly Line[];
  readonly width: number;
  readonly height: number;
}

/** A text field with its cursor shown as an inverted cell. */
export function inputSpans(input: TextInput): Span[] {
  const chars = [...input.value];
  const before = chars.slice(0, input.cursor).join('');
  const at = chars[input.cursor] ?? ' ';
  const after = chars.slice(input.cursor + 1).join('');
  return [{ text: before }, { text: at, tone: 'cursor' }, { text: after }];
}

function box(title: string, lines: Line[], maxCols: number, maxRows: number, minWidth = 30): Overlay {
  const natural = Math.max(minWidth, ...lines.map((l) => l.reduce((a, s) => a + textWidth(s.text), 0)));
  const width = Math.min(maxCols - 2, natural);
  const height = Math.min(maxRows - 2, lines.length);
  return { title, lines: lines.slice(0, height), width, height };
}

const PROMPT_TITLES: Record<PromptPurpose, string> = { rename: 'Rename', new: 'New session', message: 'Send a message' };

const FIELD_LABELS: Record<HandoffField, string> = {
  destination: 'Destination',
  workspace: 'Workspace',
  conflict: 'If target exists',
  ignored: 'Ignored files',
  include: 'Include globs',
  directMode: 'Direct session',
  confirm: '',
};

function handoffFieldValue(form: HandoffForm, f: HandoffField): { text: string; tone?: Tone } {
  switch (f) {
    case 'destination': {
      if (form.destination === null) return { text: 'no machine available', tone: 'bad' };
      const d = form.destinations[form.destination]!;
      return { text: `‹ ${d.name} ›${d.note ? ` (${d.note})` : ''}` };
    }
    case 'workspace':
      return form.workspaceLocked ? { text: `off (forced: ${form.workspaceLocked})`, tone: 'warn' } : { text: form.workspace ? '‹ transfer ›' : '‹ leave behind ›' };
    case 'conflict':
      return { text: form.conflict === 'sibling' ? '‹ sibling: new path beside it ›' : '‹ replace (asks to confirm) ›', tone: form.conflict === 'replace' ? 'warn' : 'plain' };
    case 'ignored':
      return { text: form.ignored === 'exclude' ? '‹ exclude ›' : '‹ include-selected ›' };
    case 'include':
      return { text: form.include.length ? form.include.join(', ') : '(none; Enter to edit)', tone: form.ignored === 'include-selected' ? 'plain' : 'dim' };
    case 'directMode':
      return { text: form.directMode === 'convert' ? '‹ convert: make a synced session ›' : '‹ keep: move provider state only ›' };
    case 'confirm':
      return { text: '[ Hand off ]' };
  }
}

export function handoffLines(form: HandoffForm, width: number): Line[] {
  const s = form.subject;
  const lines: Line[] = [
    [{ text: `${s.kind === 'direct' ? 'Direct' : 'Session'}: `, tone: 'dim' }, { text: sanitize(s.label) }],
    [{ text: 'From: ', tone: 'dim' }, { text: sanitize(s.cwd) }],
    [],
    [{ text: 'Machines', tone: 'header' }],
  ];
  form.destinations.forEach((d, i) => {
    const chosen = i === form.destination;
    lines.push([
      { text: chosen ? ' ● ' : d.disabled ? ' ✕ ' : ' ○ ', tone: d.disabled ? 'dim' : 'good' },
      { text: sanitize(d.name), tone: d.disabled ? 'dim' : chosen ? 'bold' : 'plain' },
      { text: d.disabled ? `  disabled: ${d.disabled}` : d.note ? `  ${d.note}` : '', tone: 'dim' },
    ]);
  });
  if (form.destination === null) {
    for (const l of wrap(formProblem(form) ?? '', width)) lines.push([{ text: l, tone: 'bad' }]);
  }
  lines.push([]);
  for (const f of formFields(form)) {
    const focused = form.field === f;
    const value = handoffFieldValue(form, f);
    if (f === 'include' && form.editingInclude) {
      lines.push([{ text: fit('  ' + FIELD_LABELS[f], 19), tone: 'bold' }, ...inputSpans(form.editingInclude)]);
      continue;
    }
    if (f === 'confirm') {
      lines.push([]);
      lines.push([{ text: ' '.repeat(19) }, { text: value.text, tone: focused ? 'selected' : 'bold' }]);
      continue;
    }
    lines.push([
      { text: (focused ? '▸ ' : '  ') + fit(FIELD_LABELS[f], 17), tone: focused ? 'bold' : 'plain' },
      { text: value.text, tone: focused ? 'selected' : (value.tone ?? 'plain') },
    ]);
  }
  if (form.confirmingReplace) {
    lines.push([]);
    lines.push([{ text: 'Replace the existing tree on the target? The old tree is kept until the new one is complete. (y/n)', tone: 'warn' }]);
  }
  if (form.error) {
    lines.push([]);
    for (const l of wrap(form.error, width)) lines.push([{ text: l, tone: 'bad' }]);
  }
  return lines.map((l) => wrapLine(l, width)).flat();
}

/** Long plain lines (reasons, errors) wrap rather than being cut inside a modal. */
function wrapLine(line: Line, width: number): Line[] {
  const total = line.reduce((a, s) => a + textWidth(s.text), 0);
  if (total <= width || line.length !== 1) return [line];
  return wrap(line[0]!.text, width).map((t) => [{ text: t, tone: line[0]!.tone ?? 'plain' }]);
}

const STATUS_MARK: Record<PhaseStatus, { text: string; tone: Tone }> = {
  pending: { text: '·', tone: 'dim' },
  running: { text: '…', tone: 'accent' },
  done: { text: '✓', tone: 'good' },
  skipped: { text: '-', tone: 'dim' },
  failed: { text: '✗', tone: 'bad' },
};

export function progressLines(p: HandoffProgress, width: number): Line[] {
  const lines: Line[] = [[{ text: `Handing off to ${p.request.to}`, tone: 'bold' }], []];
  for (const ph of PHASES) {
    const st = p.phases[ph];
    const mark = STATUS_MARK[st.status];
    lines.push([
      { text: ` ${mark.text} `, tone: mark.tone },
      { text: PHASE_LABELS[ph], tone: st.status === 'pending' ? 'dim' : 'plain' },
      { text: st.detail ? `  ${sanitize(st.detail)}` : '', tone: 'dim' },
    ]);
  }
  if (p.error) {
    lines.push([]);
    for (const l of wrap(`error: ${p.error.message}`, width)) lines.push([{ text: l, tone: 'bad' }]);
    if (p.error.hint) for (const l of wrap(`hint: ${p.error.hint}`, width)) lines.push([{ text: l }]);
    lines.push([{ text: `code: ${p.error.code}`, tone: 'dim' }]);
  } else if (p.finished) {
    lines.push([]);
    lines.push([{ text: `done: ${p.request.to} now owns the session`, tone: 'good' }]);
    for (const w of p.warnings) for (const l of wrap(`warning: ${w}`, width)) lines.push([{ text: l, tone: 'warn' }]);
  }
  if (p.finished) lines.push([], [{ text: 'Enter to close', tone: 'dim' }]);
  return lines;
}

/** The modal in front of the browser, if the mode has one. */
export function overlayFor(state: BrowserState, cols: number, rows: number): Overlay | null {
  const mode: Mode = state.mode;
  const inner = Math.max(20, Math.min(cols - 6, 96));
  switch (mode.kind) {
    case 'help':
      return box('Keys', HELP_LINES.map(([k, what]) => [{ text: fit(k, 16), tone: 'accent' }, { text: what }]), cols, rows);
    case 'prompt':
      return box(PROMPT_TITLES[mode.purpose], [
        [{ text: mode.label, tone: 'dim' }],
        [{ text: '> ' }, ...inputSpans(mode.input)],
        [{ text: mode.purpose === 'message' ? 'Enter to send, Esc to cancel' : 'Enter to save, Esc to cancel', tone: 'dim' }],
      ], cols, rows, Math.min(inner, 60));
    case 'confirm':
      return box('Confirm', wrap(mode.text, Math.min(inner, 60)).map((t) => [{ text: t }]), cols, rows);
    case 'handoff':
      return box('Hand off', handoffLines(mode.form, inner), cols, rows, Math.min(inner, 60));
    case 'progress':
      return box('Handoff progress', progressLines(mode.progress, inner), cols, rows, Math.min(inner, 60));
    case 'browse':
    case 'filter':
      return null;
  }
}
