import { EXIT, type Io, type Output, OutputClosed } from './io.ts';

/**
 * The real process as an Io. The first Ctrl-C (or SIGTERM) asks the run to stop cleanly — writes in flight
 * finish or are recorded as pending, and the summary says how to continue; a second one exits at once. When
 * standard output's reader goes away (`| head`) the run stops the same way, quietly.
 */
export function nodeIo(): Io {
  const controller = new AbortController();
  // A closed stderr only loses messages; the run goes on.
  const stderr = streamOutput(process.stderr, () => {});
  const stdout = streamOutput(process.stdout, (error) => {
    // EPIPE is the reader's choice (`| head`); any other failure (a full disk) deserves a word.
    if (error.code !== 'EPIPE')
      stderr.write(`goalbridge: cannot write standard output: ${describe(error)}\n`);
    controller.abort(new OutputClosed(error));
  });
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.failures);
    stderr.write(`\ngoalbridge: ${signal} received, stopping (again to exit now)\n`);
    controller.abort(new Error(`stopped by ${signal}`));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    stdout,
    stderr,
    env: process.env,
    signal: controller.signal,
    stdin: () => {
      stdinHandedOut = true;
      return process.stdin;
    },
    cwd: process.cwd(),
  };
}

let stdinHandedOut = false;

/**
 * Lets the process end once a command is done: a run stopped while it waited for standard input (Ctrl-C during
 * `import --in -`) would otherwise stay until the input closes.
 */
export function releaseStdin(): void {
  if (stdinHandedOut) process.stdin.destroy();
}

type ProcessStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; destroyed?: boolean };

/**
 * A process stream as an Output. A write made while the stream's buffer is full returns a promise that
 * resolves on 'drain' (one shared by every such write). The stream's first error goes to `onError`, never
 * to an unhandled 'error' event; what is written after it is dropped.
 */
function streamOutput(stream: ProcessStream, onError: (error: NodeJS.ErrnoException) => void): Output {
  let failed = false;
  let drained: Promise<void> | undefined;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    onError(error);
  });
  return {
    write(text) {
      if (failed || stream.destroyed || stream.write(text)) return;
      drained ??= untilDrained(stream).then(() => {
        drained = undefined;
      });
      return drained;
    },
    isTTY: stream.isTTY === true,
    columns: stream.columns,
  };
}

/** Resolves when the stream can take more, or can take nothing ever again (error, close). */
function untilDrained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ['drain', 'error', 'close']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'error', 'close']) stream.on(event, done);
  });
}

function describe(error: NodeJS.ErrnoException): string {
  return error.code ?? error.message;
}
