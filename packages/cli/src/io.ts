/** What a command may touch of the outside world; the binary passes the real process, tests a fake. */
export interface Output {
  /**
   * Writes `text`. The real process returns a promise while the stream's buffer is full, resolved once it
   * drains: commands that stream many lines await it, so a slow reader slows them instead of filling memory.
   * It never rejects: an output whose reader went away drops what is written.
   */
  write(text: string): void | Promise<void>;
  readonly isTTY: boolean;
  /** Terminal width, when known. */
  readonly columns?: number | undefined;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C / SIGTERM, and with an OutputClosed when standard output's reader went away. */
  signal: AbortSignal;
  /** Bytes of standard input, for `import --in -`. */
  stdin: () => AsyncIterable<Uint8Array>;
  cwd: string;
}

/** Exit codes: documented in `goalbridge --help` and the README. */
export const EXIT = { ok: 0, failures: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake in how the command was called: unknown flag, missing value, unknown provider. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Why the run stops when standard output's reader went away (`| head`): a stop like Ctrl-C, not an error. */
export class OutputClosed extends Error {
  constructor(cause: Error) {
    super('standard output closed', { cause });
    this.name = 'OutputClosed';
  }
}
