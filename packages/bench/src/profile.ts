/**
 * Where the time goes: V8's sampling profiler, in process, around a synchronous workload, summarized as the
 * functions with the most self time. Used to explain a mapper that misses its goal in the table's notes.
 */
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Hotspot {
  /** `function file:line`, with paths shortened to the package. */
  where: string;
  /** Share of the busy samples spent in the function itself. */
  share: number;
}

function shorten(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/.*\/packages\/([^/]+)\/src\//, '@goalbridge/$1/');
}

function repeat(work: () => void, durationMs: number): void {
  const until = performance.now() + durationMs;
  while (performance.now() < until) for (let index = 0; index < 64; index++) work();
}

/** Runs `work` repeatedly for `durationMs` under the profiler; returns the top `count` functions by self time. */
export async function hotspots(work: () => void, durationMs = 400, count = 5): Promise<Hotspot[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    // From a fresh task, so the samples' stacks hold the workload and not the session's promise machinery.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        repeat(work, durationMs);
        resolve();
      }),
    );
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map<string, number>();
    let busy = 0;
    profile.samples.forEach((id, index) => {
      const frame = nodes.get(id)?.callFrame;
      // Samples taken while the profiler itself stops land in `post` of node:inspector: not the workload.
      if (!frame || ['(idle)', '(program)'].includes(frame.functionName) || frame.url === 'node:inspector')
        return;
      const delta = profile.timeDeltas[index] ?? 0;
      const where = `${frame.functionName || '(anonymous)'} ${shorten(frame.url)}:${frame.lineNumber + 1}`;
      self.set(where, (self.get(where) ?? 0) + delta);
      busy += delta;
    });
    return [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([where, time]) => ({ where, share: time / busy }));
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
