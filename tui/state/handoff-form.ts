import type { Agent } from '../../src/domain/agent.js';
import type { Machine } from '../../src/domain/machine.js';
import type { ConflictPolicy, DirectMode, IgnoredMode, Settings } from '../../src/domain/settings.js';
import type { MachineStatus } from './browser-rows.js';
import type { Key } from './key.js';
import { editText, textInput, type TextInput } from './text-input.js';

/** What is being handed off: a synced session, or a provider-native one. */
export interface HandoffSubject {
  readonly kind: 'session' | 'direct';
  /** The happier id for a synced session; `agent:vendorId` for a direct one. */
  readonly key: string;
  readonly label: string;
  readonly agent: Agent;
  readonly cwd: string;
  readonly vendorSessionId: string | null;
  /** Direct sessions live on this machine, so it is their owner. */
  readonly ownerMachineId: string;
}

export interface Destination {
  readonly machineId: string;
  readonly name: string;
  /** Why it cannot be picked, or null. */
  readonly disabled: string | null;
  /** A note shown beside an enabled machine, e.g. that nobody checked it yet. */
  readonly note: string | null;
}

export type HandoffField = 'destination' | 'workspace' | 'conflict' | 'ignored' | 'include' | 'directMode' | 'confirm';

export interface HandoffForm {
  readonly subject: HandoffSubject;
  readonly destinations: readonly Destination[];
  /** Index into destinations of the chosen one; null when none can be chosen. */
  readonly destination: number | null;
  readonly workspace: boolean;
  /** Why workspace transfer is forced off (an unsafe path), or null. */
  readonly workspaceLocked: string | null;
  readonly conflict: ConflictPolicy;
  readonly ignored: IgnoredMode;
  readonly include: readonly string[];
  readonly directMode: DirectMode | null;
  readonly field: HandoffField;
  /** The include globs being edited, comma-separated. */
  readonly editingInclude: TextInput | null;
  /** Set while asking the user to confirm `replace`. */
  readonly confirmingReplace: boolean;
  readonly error: string | null;
}

/** What the coordinator is asked to do; the field names follow `happier handoff`'s flags. */
export interface HandoffRequest {
  readonly subject: HandoffSubject;
  readonly to: string;
  readonly toMachineId: string;
  readonly workspace: boolean;
  readonly conflict: ConflictPolicy;
  readonly confirmed: boolean;
  readonly ignored: IgnoredMode;
  readonly include: readonly string[];
  readonly directMode: DirectMode | null;
}

export interface DestinationInput {
  readonly machine: Machine;
  readonly status: MachineStatus;
}

/** Why each machine can or cannot take the session, in the order a user checks them. */
export function destinationsFor(subject: HandoffSubject, machines: readonly DestinationInput[]): Destination[] {
  return machines.map(({ machine, status }) => {
    const base = { machineId: machine.id, name: machine.name };
    if (machine.id === subject.ownerMachineId) return { ...base, disabled: 'current owner', note: null };
    if (machine.isSelf) return { ...base, disabled: 'this machine does not own the session', note: null };
    if (status.online === false) return { ...base, disabled: `offline${status.reason ? `: ${status.reason}` : ''}`, note: null };
    if (status.providers !== null && !status.providers.includes(subject.agent)) {
      return { ...base, disabled: `${subject.agent} is not installed there`, note: null };
    }
    return { ...base, disabled: null, note: status.online === null ? 'not checked' : null };
  });
}

export function openHandoffForm(input: {
  subject: HandoffSubject;
  machines: readonly DestinationInput[];
  settings: Settings;
  unsafeWorkspace: string | null;
}): HandoffForm {
  const destinations = destinationsFor(input.subject, input.machines);
  const first = destinations.findIndex((d) => d.disabled === null);
  const h = input.settings.handoff;
  return {
    subject: input.subject,
    destinations,
    destination: first === -1 ? null : first,
    workspace: input.unsafeWorkspace ? false : h.workspace,
    workspaceLocked: input.unsafeWorkspace,
    conflict: h.conflict,
    ignored: h.ignored,
    include: h.include,
    directMode: input.subject.kind === 'direct' ? h.directMode : null,
    field: 'destination',
    editingInclude: null,
    confirmingReplace: false,
    error: null,
  };
}

export function formFields(form: HandoffForm): HandoffField[] {
  const fields: HandoffField[] = ['destination', 'workspace', 'conflict', 'ignored', 'include'];
  if (form.directMode !== null) fields.push('directMode');
  fields.push('confirm');
  return fields;
}

export type HandoffFormResult =
  | { readonly kind: 'form'; readonly form: HandoffForm }
  | { readonly kind: 'submit'; readonly request: HandoffRequest }
  | { readonly kind: 'cancel' };

const stay = (form: HandoffForm): HandoffFormResult => ({ kind: 'form', form });

export function handoffFormKey(form: HandoffForm, key: Key): HandoffFormResult {
  if (form.editingInclude) return editIncludeKey(form, form.editingInclude, key);
  if (form.confirmingReplace) {
    if (key.name === 'y' || key.name === 'Y') return submitChecked(form, true);
    if (key.name === 'n' || key.name === 'N' || key.name === 'escape') {
      return stay({ ...form, confirmingReplace: false, error: null });
    }
    return stay(form);
  }
  const cleared = form.error === null ? form : { ...form, error: null };
  switch (key.name) {
    case 'escape':
    case 'q':
      return { kind: 'cancel' };
    case 'up':
    case 'k':
    case 'S-tab':
      return stay(moveField(cleared, -1));
    case 'down':
    case 'j':
    case 'tab':
      return stay(moveField(cleared, 1));
    case 'left':
    case 'h':
      return stay(changeValue(cleared, -1));
    case 'right':
    case 'l':
    case ' ':
      return stay(changeValue(cleared, 1));
    case 'enter':
      if (form.field === 'include') return stay({ ...cleared, editingInclude: textInput(form.include.join(', ')) });
      return submit(cleared);
  }
  return stay(form);
}

function moveField(form: HandoffForm, step: 1 | -1): HandoffForm {
  const fields = formFields(form);
  const i = fields.indexOf(form.field);
  return { ...form, field: fields[Math.max(0, Math.min(fields.length - 1, i + step))]! };
}

const other = <T>(values: readonly [T, T], current: T): T => (current === values[0] ? values[1] : values[0]);

function changeValue(form: HandoffForm, step: 1 | -1): HandoffForm {
  switch (form.field) {
    case 'destination': {
      const n = form.destinations.length;
      if (form.destination === null || n === 0) return form;
      for (let i = 1; i <= n; i++) {
        const at = (((form.destination + step * i) % n) + n) % n;
        if (form.destinations[at]!.disabled === null) return { ...form, destination: at };
      }
      return form;
    }
    case 'workspace':
      if (form.workspaceLocked) return { ...form, error: `workspace transfer is forced off: ${form.workspaceLocked}` };
      return { ...form, workspace: !form.workspace };
    case 'conflict':
      return { ...form, conflict: other(['sibling', 'replace'], form.conflict) };
    case 'ignored':
      return { ...form, ignored: other(['exclude', 'include-selected'], form.ignored) };
    case 'directMode':
      return form.directMode === null ? form : { ...form, directMode: other(['keep', 'convert'], form.directMode) };
    case 'include':
    case 'confirm':
      return form;
  }
}

function editIncludeKey(form: HandoffForm, input: TextInput, key: Key): HandoffFormResult {
  const r = editText(input, key);
  switch (r.kind) {
    case 'edit':
      return stay({ ...form, editingInclude: r.input });
    case 'cancel':
      return stay({ ...form, editingInclude: null });
    case 'ignored':
      return stay(form);
    case 'submit': {
      const globs = parseGlobs(r.value);
      const bad = globs.map(globProblem).find((p) => p !== null);
      if (bad) return stay({ ...form, error: bad });
      // Naming globs only makes sense with include-selected, so they imply it, as the CLI's --include does.
      return stay({ ...form, include: globs, ignored: globs.length ? 'include-selected' : form.ignored, editingInclude: null, error: null });
    }
  }
}

export function parseGlobs(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((g) => g.trim())
    .filter((g) => g !== '');
}

/** Include globs select files inside the workspace; anything reaching outside it is refused. */
export function globProblem(glob: string): string | null {
  if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob) || glob.startsWith('~')) {
    return `include glob "${glob}" must be relative to the workspace`;
  }
  if (glob.split(/[\\/]/).includes('..')) return `include glob "${glob}" may not climb out of the workspace with ..`;
  return null;
}

function submit(form: HandoffForm): HandoffFormResult {
  return submitChecked(form, false);
}

function submitChecked(form: HandoffForm, replaceConfirmed: boolean): HandoffFormResult {
  const problem = formProblem(form);
  if (problem) return stay({ ...form, error: problem, confirmingReplace: false });
  if (form.conflict === 'replace' && !replaceConfirmed) return stay({ ...form, confirmingReplace: true });
  const dest = form.destinations[form.destination!]!;
  return {
    kind: 'submit',
    request: {
      subject: form.subject,
      to: dest.name,
      toMachineId: dest.machineId,
      workspace: form.workspace && form.workspaceLocked === null,
      conflict: form.conflict,
      confirmed: form.conflict === 'replace' ? replaceConfirmed : false,
      ignored: form.ignored,
      include: form.include,
      directMode: form.directMode,
    },
  };
}

/** The first thing that stops this form from being sent, or null. */
export function formProblem(form: HandoffForm): string | null {
  if (form.destination === null) {
    const reasons = form.destinations.map((d) => `${d.name}: ${d.disabled}`).join('; ');
    return form.destinations.length <= 1
      ? 'no other machine is known; add one with `happier machine add <name> <ssh-target>`'
      : `no machine can take this session (${reasons})`;
  }
  const dest = form.destinations[form.destination];
  if (!dest || dest.disabled) return `${dest?.name ?? 'that machine'} cannot take it: ${dest?.disabled ?? 'unknown'}`;
  if (form.workspace && form.ignored === 'include-selected' && form.include.length === 0) {
    return 'include-selected needs at least one include glob (Enter on "include" to add them)';
  }
  const bad = form.include.map(globProblem).find((p) => p !== null);
  return bad ?? null;
}
