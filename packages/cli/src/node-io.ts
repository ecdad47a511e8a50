import { EXIT, type Io } from './io.ts';

/**
 * The real process as an Io. The first Ctrl-C (or SIGTERM) asks the run to stop cleanly — writes in flight
 * finish or are recorded as pending, and the summary says how to continue; a second one exits at once.
 */
export function nodeIo(): Io {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.failures);
    process.stderr.write(`\ngoalbridge: ${signal} received, stopping (again to exit now)\n`);
    controller.abort(new Error(`stopped by ${signal}`));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    stdout: {
      write: (text) => void process.stdout.write(text),
      isTTY: process.stdout.isTTY === true,
      columns: process.stdout.columns,
    },
    stderr: {
      write: (text) => void process.stderr.write(text),
      isTTY: process.stderr.isTTY === true,
      columns: process.stderr.columns,
    },
    env: process.env,
    signal: controller.signal,
    stdin: () => process.stdin,
    cwd: process.cwd(),
  };
}
