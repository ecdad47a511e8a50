/**
 * Child processes: simulators served from their own process (so the measured client has the other core to
 * itself and the server's work never lands on the client's clock), and one-shot scripts that report JSON.
 */
import { type ChildProcess, fork, type SpawnOptions, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostCommand, HostConfig, HostReplies, RecordedRequest } from './sim-host.ts';

const SOURCE_CONDITION = '--conditions=@goalbridge/source';
const HOST_SCRIPT = fileURLToPath(new URL('./sim-host.ts', import.meta.url));

export interface SimulatorProcess {
  /** Origin of the simulator's server, e.g. `http://127.0.0.1:41234`. */
  url: string;
  send<C extends HostCommand>(command: C): Promise<HostReplies[C['type']]>;
  close(): Promise<void>;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** The requests the simulator received while `run` did its work for each subject, one recording each. */
export async function recordEach<S>(
  host: SimulatorProcess,
  subjects: readonly S[],
  run: (subject: S) => Promise<unknown>,
): Promise<RecordedRequest[][]> {
  const recordings: RecordedRequest[][] = [];
  for (const subject of subjects) {
    await host.send({ type: 'record', on: true });
    await run(subject);
    recordings.push(await host.send({ type: 'recorded' }));
  }
  await host.send({ type: 'record', on: false });
  return recordings;
}

/**
 * Throws unless every subject sent what the first one did — the same requests, in the same order — naming the
 * first request that differs: a baseline that sends other requests measures other work.
 */
export function assertSameRequests(names: readonly string[], recordings: readonly RecordedRequest[][]): void {
  const [reference = [], ...others] = recordings;
  others.forEach((recorded, index) => {
    const name = names[index + 1];
    const length = Math.max(reference.length, recorded.length);
    for (let position = 0; position < length; position++) {
      const [actual, expected] = [JSON.stringify(recorded[position]), JSON.stringify(reference[position])];
      if (actual !== expected) {
        throw new Error(
          `${name} sent a different request than ${names[0]} (#${position + 1}):\n${actual}\nvs\n${expected}`,
        );
      }
    }
  });
}

/** Starts `sim-host.ts` with `config` and waits until its server listens. */
export async function startSimulatorProcess(config: HostConfig): Promise<SimulatorProcess> {
  const child = fork(HOST_SCRIPT, [JSON.stringify(config)], {
    execArgv: [SOURCE_CONDITION],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator host exited early (code ${code})`)));
    child.on(
      'message',
      (message: { id?: number; type?: string; url?: string; result?: unknown; error?: string }) => {
        if (message.type === 'ready' && message.url) return resolve(message.url);
        const waiter = message.id === undefined ? undefined : pending.get(message.id);
        if (!waiter || message.id === undefined) return;
        pending.delete(message.id);
        if (message.error !== undefined) waiter.reject(new Error(message.error));
        else waiter.resolve(message.result);
      },
    );
  });
  child.removeAllListeners('exit');
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('simulator host exited'));
    pending.clear();
  });
  return {
    url,
    send: (command) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command });
      }),
    close: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send({ command: { type: 'close' } });
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

export interface ScriptResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** A finished child process's output: each stream, and both in the order they came. */
interface Collected extends ScriptResult {
  output: string;
}

/** Runs a command to its end, collecting what it prints. */
function collect(command: string, args: readonly string[], options: SpawnOptions): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const result = { stdout: '', stderr: '', output: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.setEncoding('utf8').on('data', (chunk: string) => {
        result[stream] += chunk;
        result.output += chunk;
      });
    }
    child.once('error', reject);
    child.once('close', (code) => resolve({ ...result, code }));
  });
}

/**
 * Runs `node [execArgv] script args` in a fresh process with no inherited Node options (so installed packages
 * resolve to their published files, never to workspace sources unless asked) and collects its output.
 */
export async function runNode(
  script: string[],
  options: { cwd?: string; execArgv?: readonly string[]; env?: Record<string, string> } = {},
): Promise<ScriptResult> {
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
  const { stdout, stderr, code } = await collect(process.execPath, [...(options.execArgv ?? []), ...script], {
    cwd: options.cwd,
    env: { ...inherited, ...options.env },
  });
  return { stdout, stderr, code };
}

/**
 * Runs a TypeScript script of this package and parses the JSON it prints last. Its `@goalbridge/*` imports
 * resolve to the workspace sources, or with `builds: true` to the built `dist/` a user installs.
 */
export async function runBenchScript<T>(
  script: string,
  args: readonly string[],
  options: { env?: Record<string, string>; execArgv?: readonly string[]; builds?: boolean } = {},
): Promise<T> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const execArgv = [...(options.builds ? [] : [SOURCE_CONDITION]), ...(options.execArgv ?? [])];
  const result = await runNode([path, ...args], { execArgv, ...(options.env ? { env: options.env } : {}) });
  if (result.code !== 0) {
    throw new Error(`${script} failed (code ${result.code}): ${result.stderr.trim().slice(0, 2000)}`);
  }
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as T;
}

/** Runs a command (npm, pnpm, tsup) and fails with its output when it fails. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  const { output, code } = await collect(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
  });
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (code ${code}):\n${output.slice(-3000)}`);
  return output;
}
