/**
 * Runs the real `goalbridge` binary (the CLI's bin, from source) as a child process with a clean environment:
 * only PATH, HOME and the variables a test passes, so nothing from the developer's shell leaks in.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROVIDERS, run, type SandboxInstance } from '@goalbridge/cli';
import type { GoalAdapter } from '@goalbridge/core';
import { findProvider, resolveSettings } from '../../packages/cli/src/provider-registry.ts';

export const BIN = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'src', 'bin.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  input?: string;
  cwd?: string;
}

/** Starts the binary; the caller reads its output and ends it. */
export function startCli(args: readonly string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--conditions=@goalbridge/source', BIN, ...args], {
    cwd: options.cwd ?? join(import.meta.dirname, '..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * Collects a started binary's output from now on (a reader that starts late leaves the pipe to fill until
 * then): `stdout()` is what it printed so far, `ended` its whole output and exit.
 */
export function collect(child: ChildProcess): { stdout: () => string; ended: Promise<CliResult> } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ended = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { stdout: () => stdout, ended };
}

/** Runs the binary to completion. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = startCli(args, options);
  const { ended } = collect(child);
  child.stdin?.end(options.input ?? '');
  return ended;
}

/** The three providers' sandboxes on localhost, with the environment that points the CLI at them. */
export async function startSandboxes(
  goals: { pipedrive?: number; plannr?: number; capillary?: number } = {},
) {
  const running: Record<string, SandboxInstance> = {};
  for (const entry of PROVIDERS) {
    running[entry.name] = await entry.startSandbox({
      goals: goals[entry.name as keyof typeof goals] ?? 0,
      seed: 3,
    });
  }
  const env = Object.assign({}, ...Object.values(running).map((sandbox) => sandbox.env)) as Record<
    string,
    string
  >;
  return {
    env,
    sandboxes: running,
    /** An adapter on one sandbox, built the way the CLI builds it. */
    adapter(name: string): GoalAdapter {
      const entry = findProvider(PROVIDERS, name, 'from');
      return entry.create(resolveSettings(entry, {}, env), {});
    },
    close: () => Promise.all(Object.values(running).map((sandbox) => sandbox.close())),
  };
}

/** An output that keeps what is written; a terminal's (`isTTY`, `columns`) or a pipe's. */
export function capturedOutput(terminal?: { columns: number }) {
  const output = {
    isTTY: terminal !== undefined,
    columns: terminal?.columns,
    text: '',
    write(chunk: string) {
      output.text += chunk;
    },
  };
  return output;
}

/** Runs the CLI in this process with captured outputs (a terminal's when `terminal` is given). */
export async function runInProcess(
  argv: readonly string[],
  options: { env: Record<string, string | undefined>; cwd: string; terminal?: { columns: number } },
) {
  const io = {
    stdout: capturedOutput(options.terminal),
    stderr: capturedOutput(options.terminal),
    env: options.env,
    signal: new AbortController().signal,
    stdin: async function* () {},
    cwd: options.cwd,
  };
  const code = await run([...argv], io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}
