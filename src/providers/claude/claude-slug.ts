/**
 * Claude Code's project folder name for a cwd (PROVIDERS.md, checked against Claude Code
 * 2.1.197): every UTF-16 code unit outside [A-Za-z0-9] becomes `-`; a result longer than
 * 200 characters is cut to 200 and suffixed with `-` and the base-36 absolute value of the
 * Java-style 32-bit string hash of the path. Claude resumes only from the folder of the
 * current cwd's realpath, so a peer that gets this wrong loses the session.
 */
export const CLAUDE_SLUG_MAX = 200;

export function javaStringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = ((h << 5) - h + text.charCodeAt(i)) | 0;
  return h;
}

export function claudeSlug(cwd: string): string {
  const slug = cwd.replace(/[^A-Za-z0-9]/g, '-');
  if (slug.length <= CLAUDE_SLUG_MAX) return slug;
  return `${slug.slice(0, CLAUDE_SLUG_MAX)}-${Math.abs(javaStringHash(cwd)).toString(36)}`;
}

/**
 * Whether `folder` could be the project folder of `cwd` even if another tool hashed a long
 * path differently: the same 200-character stem with some suffix.
 */
export function slugStemMatches(folder: string, cwd: string): boolean {
  const slug = claudeSlug(cwd);
  if (folder === slug) return true;
  if (slug.length <= CLAUDE_SLUG_MAX) return false;
  const stem = slug.slice(0, CLAUDE_SLUG_MAX) + '-';
  return folder.startsWith(stem) && /^[0-9a-z]+$/.test(folder.slice(stem.length));
}
