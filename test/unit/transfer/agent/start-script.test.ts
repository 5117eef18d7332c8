import { describe, expect, it } from 'vitest';
import { loginCommand, startScript } from '../../../../src/transfer/agent/agent-launch.js';

describe('the agent start through the login shell', () => {
  it('logs in through $SHELL, or the shell that was set, and reads the script from stdin', () => {
    expect(loginCommand()).toMatch(/^sh -c '.*\$\{SHELL:-\/bin\/sh\}.*exec "\$s" -l -c "exec sh -s"'$/);
    const set = loginCommand('/opt/my shell/zsh');
    expect(set).not.toContain('${SHELL:-');
    expect(set).toContain('SHELL=$s; export SHELL');
    expect(set).toContain(`s='\\''/opt/my shell/zsh'\\''`);
  });

  it('puts nothing of the script on the argv, and ends it by exec or exit so sh never waits for more', () => {
    const script = startScript('0.3.0', 'ab'.repeat(32), false, { claude: '/opt/claude' });
    expect(loginCommand()).not.toContain('0.3.0');
    expect(script).toMatch(/\nexit 0\n$/);
    expect(script).toContain(`exec "$hb" agent --stdio`);
    expect(script).toContain(`exec "$nb" "$f" --stdio`);
  });

  it('exports provider and tmux overrides for the agent and its panes, quoted, and checks each is executable', () => {
    const script = startScript('0.3.0', 'x', false, { claude: "/opt/it's/claude", tmux: '/opt/tmux', node: '/opt/node/bin/node' });
    expect(script).toContain(`HAPPIER_CLAUDE_BIN='/opt/it'\\''s/claude'; export HAPPIER_CLAUDE_BIN`);
    expect(script).toContain(`HAPPIER_TMUX_BIN='/opt/tmux'; export HAPPIER_TMUX_BIN`);
    expect(script).toContain(`[ -x '/opt/node/bin/node' ] || bad="$bad,node"`);
    expect(script).toContain(`nb='/opt/node/bin/node'; PATH=\${nb%/*}:$PATH`);
    expect(script).not.toContain('command -v node');
  });

  it('skips an installed happier when the bundle is forced', () => {
    expect(startScript('0.3.0', 'x', true)).not.toContain('agent --stdio');
  });
});
