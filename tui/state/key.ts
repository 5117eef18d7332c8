/**
 * A key press as the state model sees it, independent of the widget library. `name` is
 * the character itself for printable keys (`j`, `G`, `/`), or a word for the others
 * (`up`, `pagedown`, `enter`, `escape`, `backspace`, `tab`, `S-tab`, `C-c`).
 */
export interface Key {
  readonly name: string;
  /** The text the key types, for text fields; null for keys that type nothing. */
  readonly printable: string | null;
}

export function keyOf(name: string): Key {
  const printable = [...name].length === 1 ? name : name === 'space' ? ' ' : null;
  return { name: name === 'space' ? ' ' : name, printable };
}
