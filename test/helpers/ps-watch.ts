import { spawn } from 'node:child_process';

/**
 * Samples every process's argv (`ps -eo args`, as any local user can) until stopped, and
 * reports the lines that contain one of `needles`.
 *
 *   const watch = watchPs(['sk-secret']);
 *   await doSomething();
 *   expect(await watch.stop()).toEqual([]);
 */
export function watchPs(needles: readonly string[]): { stop(): Promise<string[]>; samples(): number } {
  const hits = new Set<string>();
  let count = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const out = await new Promise<string>((resolve) => {
        const ps = spawn('ps', ['-eo', 'args'], { stdio: ['ignore', 'pipe', 'ignore'] });
        let text = '';
        ps.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
        ps.on('close', () => resolve(text));
      });
      count++;
      for (const line of out.split('\n')) if (needles.some((n) => line.includes(n))) hits.add(line.trim());
    }
  })();
  return {
    samples: () => count,
    stop: async () => {
      running = false;
      await loop;
      return [...hits];
    },
  };
}
