/**
 * When a provider's pane can take a paste. A TUI that is still drawing drops or garbles
 * input, so a send waits for the provider's own prompt line (its marker) or, for a
 * version whose words changed, for a screen that has stopped changing.
 */
export interface PaneSample {
  readonly atMs: number;
  readonly screen: string;
}

export function paneReady(samples: readonly PaneSample[], markers: readonly string[], stableMs: number): boolean {
  const last = samples[samples.length - 1];
  if (!last || !last.screen.trim()) return false;
  if (markers.some((m) => last.screen.includes(m))) return true;
  let since = last.atMs;
  for (let i = samples.length - 2; i >= 0 && samples[i]!.screen === last.screen; i--) since = samples[i]!.atMs;
  return last.atMs - since >= stableMs;
}
