/**
 * Where a tmux server listens. happier's own server is `-S HAPPIER_TMUX_SOCKET` or tmux's
 * default, `$TMUX_TMPDIR/tmux-<uid>/default` (TMUX_TMPDIR defaults to /tmp).
 */
export function tmuxSocketPath(
  socket: string | null,
  env: Readonly<Record<string, string | undefined>>,
  uid: number,
): string {
  if (socket) return socket;
  const dir = (env.TMUX_TMPDIR || '/tmp').replace(/\/+$/, '');
  return `${dir}/tmux-${uid}/default`;
}

/**
 * The socket of the tmux server whose client we run in, from `$TMUX`
 * (`<socket>,<server pid>,<session index>`; the path itself may hold commas).
 */
export function enclosingTmuxSocket(env: Readonly<Record<string, string | undefined>>): string | null {
  const value = env.TMUX;
  if (!value) return null;
  const m = /^(.*),\d+,\d+$/.exec(value);
  return m ? m[1]! : value;
}

/**
 * tmux reports a socket by the path it was given; comparing and recording real paths
 * survives a symlinked /tmp. A socket not created yet resolves through its directory.
 */
export function resolveSocketPath(path: string, realpath: (p: string) => string): string {
  try {
    return realpath(path);
  } catch {
    const slash = path.lastIndexOf('/');
    if (slash <= 0) return path;
    try {
      return `${realpath(path.slice(0, slash))}${path.slice(slash)}`;
    } catch {
      return path;
    }
  }
}
