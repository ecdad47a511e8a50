/** An in-memory `Io` for running the CLI in-process: what it writes is kept as text. */
import type { Io, Output } from '../src/io.ts';

export function fakeOutput(isTTY = false): Output & { text: string } {
  const output = {
    isTTY,
    text: '',
    write(chunk: string) {
      output.text += chunk;
    },
  };
  return output;
}

export function fakeIo(
  options: { terminal?: boolean; env?: Io['env']; cwd?: string } = {},
): Io & { stdout: { text: string }; stderr: { text: string } } {
  return {
    stdout: fakeOutput(options.terminal),
    stderr: fakeOutput(options.terminal),
    env: options.env ?? {},
    signal: new AbortController().signal,
    stdin: async function* () {},
    cwd: options.cwd ?? '/',
  };
}
