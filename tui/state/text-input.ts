import type { Key } from './key.js';

/** A one-line text field: the filter, a new title, include globs. */
export interface TextInput {
  readonly value: string;
  readonly cursor: number;
}

export function textInput(value = ''): TextInput {
  return { value, cursor: [...value].length };
}

export type TextInputResult =
  | { readonly kind: 'edit'; readonly input: TextInput }
  | { readonly kind: 'submit'; readonly value: string }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'ignored' };

/** Applies one key. Code points, not UTF-16 units, so the cursor never splits an emoji. */
export function editText(input: TextInput, key: Key): TextInputResult {
  const chars = [...input.value];
  const at = input.cursor;
  const edit = (next: string[], cursor: number): TextInputResult => ({
    kind: 'edit',
    input: { value: next.join(''), cursor: Math.max(0, Math.min(next.length, cursor)) },
  });
  switch (key.name) {
    case 'enter':
      return { kind: 'submit', value: input.value };
    case 'escape':
      return { kind: 'cancel' };
    case 'backspace':
      return at === 0 ? { kind: 'ignored' } : edit([...chars.slice(0, at - 1), ...chars.slice(at)], at - 1);
    case 'delete':
      return edit([...chars.slice(0, at), ...chars.slice(at + 1)], at);
    case 'left':
      return edit(chars, at - 1);
    case 'right':
      return edit(chars, at + 1);
    case 'home':
    case 'C-a':
      return edit(chars, 0);
    case 'end':
    case 'C-e':
      return edit(chars, chars.length);
    case 'C-u':
      return edit(chars.slice(at), 0);
    case 'C-w': {
      let start = at;
      while (start > 0 && chars[start - 1] === ' ') start--;
      while (start > 0 && chars[start - 1] !== ' ') start--;
      return edit([...chars.slice(0, start), ...chars.slice(at)], start);
    }
  }
  if (key.printable !== null) return edit([...chars.slice(0, at), key.printable, ...chars.slice(at)], at + 1);
  return { kind: 'ignored' };
}
