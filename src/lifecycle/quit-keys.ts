import type { Agent } from '../domain/agent.js';
import type { KeyStroke } from '../../shell/tmux/tmux-keys.js';

const CTRL_C: KeyStroke = { key: 'C-c' };

/**
 * How each provider's TUI is asked to quit on its own. All three read Ctrl-C as "clear
 * the input", then "press again to quit", then quit, so three presses leave from any
 * state without ever submitting text to the model (a typed `/exit` would be appended to
 * a half-written prompt and sent).
 */
const QUIT_KEYS: Record<Agent, readonly KeyStroke[]> = {
  claude: [CTRL_C, CTRL_C, CTRL_C],
  codex: [CTRL_C, CTRL_C, CTRL_C],
  opencode: [CTRL_C, CTRL_C, CTRL_C],
};

export function quitKeys(agent: Agent): readonly KeyStroke[] {
  return QUIT_KEYS[agent];
}
