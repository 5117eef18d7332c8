// Generates man/happier.1 from man/happier.md, filling in every command and option from
// commander's own tree and every error code from the source, so the page cannot drift
// from the program.
import { marked } from 'marked';
import markedMan from 'marked-man';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The build passes the folder it is building into; run by hand, it reads dist/.
const built = `${root}${process.argv[2] ?? 'dist'}`;
const { buildProgram } = await import(`${built}/src/cli/program.js`);
const { CliContext } = await import(`${built}/src/cli/context.js`);
const { ERROR_DESCRIPTIONS } = await import(`${built}/src/domain/error-descriptions.js`);
const { BROWSER_KEYS } = await import(`${built}/tui/state/status-hints.js`);

const io = { env: {}, stdout: { write() {} }, stderr: { write() {} }, stdinIsTTY: false, cwd: '/', homeDir: '/', now: () => new Date() };
const program = buildProgram(new CliContext(io));
const isHidden = (c) => c._hidden === true;
const esc = (s) => s.replace(/([*_`\\<>])/g, '\\$1');

function usageOf(cmd) {
  const names = [];
  for (let c = cmd; c; c = c.parent) names.unshift(c.name());
  return `${names.join(' ')} ${cmd.usage()}`.trim();
}

function describe(cmd, out) {
  for (const sub of cmd.commands) {
    if (isHidden(sub)) continue;
    if (sub.commands.length > 0) {
      describe(sub, out);
      continue;
    }
    out.push(`### ${usageOf(sub).replace(/\[options\]\s*/, '')}`, '', esc(sub.description() || ''), '');
    const opts = sub.options.filter((o) => !o.hidden);
    for (const o of opts) {
      const choices = o.argChoices ? ` (one of: ${o.argChoices.join(', ')})` : '';
      out.push(`* \`${o.flags}\`:`, `  ${esc(o.description)}${choices}`);
    }
    if (opts.length) out.push('');
  }
  return out;
}

const codes = Object.entries(ERROR_DESCRIPTIONS).flatMap(([code, text]) => [`* \`${code}\`:`, `  ${esc(text)}`]);
const keys = BROWSER_KEYS.flatMap((k) => [`* \`${k.label}\`:`, `  ${esc(k.does)}`]);
const md = readFileSync(`${root}man/happier.md`, 'utf8')
  .replace('{{COMMANDS}}', describe(program, []).join('\n'))
  .replace('{{BROWSER_KEYS}}', keys.join('\n'))
  .replace('{{ERROR_CODES}}', codes.join('\n'));

const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
process.env.SOURCE_DATE_EPOCH ??= '1790000000';
marked.use(markedMan);
const roff = marked.parse(md, { manVersion: pkg.version, manual: 'happier manual', gfm: true, breaks: false });
writeFileSync(`${root}man/happier.1`, roff);
