/** What a command may touch of the outside world; the binary passes the real process, tests a fake. */
export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Terminal width, when known. */
  readonly columns?: number | undefined;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C / SIGTERM. */
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
