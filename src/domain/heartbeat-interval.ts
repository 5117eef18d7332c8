/**
 * How often a machine beats: its own setting, but at least three beats per offline window
 * of the server it talks to, so one late or lost beat never shows it offline. A server
 * with a short window (HAPPIER_SERVER_OFFLINE_MS) would otherwise see a daemon on the
 * default interval flap between online and offline.
 */
export function heartbeatEveryMs(configuredMs: number, serverOfflineAfterMs: number | undefined): number {
  if (serverOfflineAfterMs === undefined || !Number.isFinite(serverOfflineAfterMs) || serverOfflineAfterMs <= 0) return configuredMs;
  return Math.max(50, Math.min(configuredMs, Math.floor(serverOfflineAfterMs / 3)));
}
