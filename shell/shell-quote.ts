/** Quotes one word for a POSIX shell, leaving plain words (hosts, ids, paths) readable. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9@%+=:,./_-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
