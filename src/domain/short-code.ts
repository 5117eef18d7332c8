import { HappierError } from './errors.js';

/**
 * Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand cannot
 * be mistaken. On input, O reads as 0 and I or L as 1, as Crockford specifies.
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUP = 4;

/** A typed short code: its first group finds the record, the rest is the secret that never leaves the devices. */
export interface ShortCode {
  readonly text: string;
  readonly lookup: string;
  readonly secret: string;
}

/** Bytes needed to fill `groups` groups of four 5-bit characters. */
export function bytesForGroups(groups: number): number {
  return Math.ceil((groups * GROUP * 5) / 8);
}

/** Turns random bytes into a code of `groups` groups (`ABCD-EFGH-JKLM` for 3). */
export function codeFromBytes(bytes: Uint8Array, groups: number): ShortCode {
  const chars = groups * GROUP;
  if (bytes.length < bytesForGroups(groups)) throw new Error(`need ${bytesForGroups(groups)} random bytes for ${groups} groups`);
  let out = '';
  for (let i = 0; i < chars; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const word = ((bytes[byte]! << 8) | (bytes[byte + 1] ?? 0)) >> (11 - (bit & 7));
    out += CROCKFORD_ALPHABET[word & 31];
  }
  return split(out);
}

/** Reads what a person typed: any case, spaces or dashes anywhere, Crockford's look-alikes. */
export function parseCode(input: string, groups: number): ShortCode {
  const cleaned = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  const valid = cleaned.length === groups * GROUP && [...cleaned].every((c) => CROCKFORD_ALPHABET.includes(c));
  if (!valid) {
    throw new HappierError('USAGE', `'${input.slice(0, 40)}' is not a valid code`, {
      hint: `a code has ${groups} groups of 4 letters or digits, like ${example(groups)}`,
    });
  }
  return split(cleaned);
}

/** Only the lookup group, for commands (revoke) that accept either the whole code or its first group. */
export function parseLookup(input: string): string {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length < GROUP || ![...cleaned].every((c) => CROCKFORD_ALPHABET.includes(c))) {
    throw new HappierError('USAGE', `'${input.slice(0, 40)}' is not a valid code`, {
      hint: `give the code as printed, like ${example(3)}, or its first group`,
    });
  }
  return cleaned.slice(0, GROUP);
}

function split(chars: string): ShortCode {
  const groups = chars.match(/.{4}/g) ?? [];
  return { text: groups.join('-'), lookup: chars.slice(0, GROUP), secret: chars.slice(GROUP) };
}

function example(groups: number): string {
  return ['ABCD', 'EFGH', 'JKMN', 'PQRS', 'TVWX'].slice(0, groups).join('-');
}
