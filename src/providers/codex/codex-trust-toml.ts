/**
 * Just enough TOML to find, add and remove one `[projects."<path>"]` table in Codex's
 * `config.toml` without a TOML library, and without touching any other byte: the file is
 * cut into statements (table headers and key/value pairs, with their exact spans), keys are
 * decoded, values are skipped over (strings of all four kinds, arrays and inline tables
 * across lines) and kept only when they are plain strings.
 */

export interface TomlHeader {
  readonly kind: 'header';
  readonly path: readonly string[];
  /** `[[…]]`, an array of tables. */
  readonly array: boolean;
  /** From the start of its line to just after its newline. */
  readonly start: number;
  readonly end: number;
}

export interface TomlKeyValue {
  readonly kind: 'keyval';
  /** The table it sits in (the last header's path). */
  readonly table: readonly string[];
  readonly key: readonly string[];
  /** The value when it is a one-line string; null for anything else. */
  readonly value: string | null;
  readonly start: number;
  readonly end: number;
}

export type TomlStatement = TomlHeader | TomlKeyValue;

export class TomlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const BARE = /[A-Za-z0-9_-]/;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

/** A key as a TOML basic string: `"`, `\` and control characters escaped; other Unicode as it is. */
export function encodeTomlKey(key: string): string {
  let out = '"';
  for (const ch of key) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0').toUpperCase()}`;
    else out += ch;
  }
  return `${out}"`;
}

export function scanToml(text: string): TomlStatement[] {
  return new Scanner(text).statements();
}

class Scanner {
  private i = 0;
  private table: readonly string[] = [];

  constructor(private readonly s: string) {}

  statements(): TomlStatement[] {
    const out: TomlStatement[] = [];
    for (;;) {
      this.skipBlankAndComments();
      if (this.i >= this.s.length) return out;
      const start = this.s.lastIndexOf('\n', this.i - 1) + 1;
      if (this.s[this.i] === '[') {
        const array = this.s[this.i + 1] === '[';
        this.i += array ? 2 : 1;
        const path = this.key();
        this.expect(array ? ']]' : ']');
        this.table = path;
        out.push({ kind: 'header', path, array, start, end: this.endOfLine() });
      } else {
        const key = this.key();
        this.expect('=');
        this.spaces();
        const value = this.value();
        out.push({ kind: 'keyval', table: this.table, key, value, start, end: this.endOfLine() });
      }
    }
  }

  private fail(why: string): never {
    throw new TomlSyntaxError(why, this.i);
  }

  private spaces(): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++;
  }

  private skipBlankAndComments(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.i++;
      else if (c === '#') this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
  }

  private expect(token: string): void {
    this.spaces();
    if (!this.s.startsWith(token, this.i)) this.fail(`expected ${token}`);
    this.i += token.length;
  }

  /** After a statement: spaces, a comment, then the newline (or the end of the file). */
  private endOfLine(): number {
    this.spaces();
    if (this.s[this.i] === '#') this.skipComment();
    if (this.s[this.i] === '\r') this.i++;
    if (this.i < this.s.length && this.s[this.i] !== '\n') this.fail('expected the end of the line');
    if (this.i < this.s.length) this.i++;
    return this.i;
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.spaces();
      parts.push(this.simpleKey());
      this.spaces();
      if (this.s[this.i] !== '.') return parts;
      this.i++;
    }
  }

  private simpleKey(): string {
    const c = this.s[this.i];
    if (c === '"') return this.basicString();
    if (c === "'") return this.literalString();
    const from = this.i;
    while (this.i < this.s.length && BARE.test(this.s[this.i]!)) this.i++;
    if (this.i === from) this.fail('expected a key');
    return this.s.slice(from, this.i);
  }

  private basicString(): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      this.i++;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      if (e !== undefined && e in SHORT_ESCAPES) out += SHORT_ESCAPES[e];
      else if (e === 'u' || e === 'U' || e === 'x') {
        const n = e === 'u' ? 4 : e === 'U' ? 8 : 2;
        const hex = this.s.slice(this.i, this.i + n);
        if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(hex)) this.fail('bad escape');
        this.i += n;
        out += String.fromCodePoint(parseInt(hex, 16));
      } else this.fail('bad escape');
    }
  }

  private literalString(): string {
    const end = this.s.indexOf("'", this.i + 1);
    const nl = this.s.indexOf('\n', this.i + 1);
    if (end < 0 || (nl >= 0 && nl < end)) this.fail('unterminated string');
    const out = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return out;
  }

  /** Skips a multi-line string opened by `quote` three times; up to two more quotes belong to it. */
  private multiLine(quote: '"' | "'"): void {
    this.i += 3;
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated multi-line string');
      const c = this.s[this.i];
      if (quote === '"' && c === '\\') {
        this.i += 2;
        continue;
      }
      if (c === quote && this.s.startsWith(quote.repeat(3), this.i)) {
        this.i += 3;
        for (let extra = 0; extra < 2 && this.s[this.i] === quote; extra++) this.i++;
        return;
      }
      this.i++;
    }
  }

  /** Skips one value; returns it when it is a one-line string. */
  private value(): string | null {
    const c = this.s[this.i];
    if (c === '"' || c === "'") {
      if (this.s.startsWith(c.repeat(3), this.i)) {
        this.multiLine(c);
        return null;
      }
      return c === '"' ? this.basicString() : this.literalString();
    }
    if (c === '[' || c === '{') {
      this.container(c === '[' ? ']' : '}');
      return null;
    }
    const from = this.i;
    while (this.i < this.s.length && !/[\s,\]}#]/.test(this.s[this.i]!)) this.i++;
    if (this.i === from) this.fail('expected a value');
    return null;
  }

  private container(close: ']' | '}'): void {
    this.i++;
    for (;;) {
      this.skipBlankAndComments();
      const c = this.s[this.i];
      if (c === undefined) this.fail(`expected ${close}`);
      if (c === close) {
        this.i++;
        return;
      }
      if (c === ',') {
        this.i++;
        continue;
      }
      if (close === '}') {
        this.key();
        this.expect('=');
        this.spaces();
      }
      this.value();
    }
  }
}
