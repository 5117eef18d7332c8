import { startBrowser } from './app/browser-app.js';
import { coreServices, type BrowserHost } from './app/core-services.js';
import { createBlessedScreen } from './view/blessed-screen.js';

export type { BrowserHost } from './app/core-services.js';

/** `happier` in a terminal: the full-screen browser, until the user quits. */
export async function openBrowser(host: BrowserHost, opts: { color: boolean }): Promise<void> {
  const services = coreServices(host);
  const view = createBlessedScreen({ color: opts.color, input: process.stdin, output: process.stdout });
  const app = startBrowser(view, services, { now: () => host.now(), home: host.homeDir });
  try {
    await app.done;
  } finally {
    await services.close();
    // A peer check still waiting on an unanswering machine must not keep the user from
    // their shell after they quit; everything that matters has been written by now.
    setTimeout(() => process.exit(), 500).unref();
  }
}
