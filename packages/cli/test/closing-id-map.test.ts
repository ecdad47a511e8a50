/** closingIdMap: a run's own error is never replaced by a failure to close its ID map. */
import { ConfigError, type IdMapStore, MemoryIdMapStore } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { closingIdMap, type PlanSetup } from '../src/commands/plan-options.ts';
import type { Io } from '../src/io.ts';

function io(): Io & { stderr: { text: string } } {
  const stderr = {
    isTTY: false,
    text: '',
    write(chunk: string) {
      stderr.text += chunk;
    },
  };
  return {
    stdout: { isTTY: false, write: () => undefined },
    stderr,
    env: {},
    signal: new AbortController().signal,
    stdin: async function* () {},
    cwd: '/',
  };
}

/** A setup whose ID map fails to close (a compaction on a full disk). */
function failingToClose(): PlanSetup {
  const idMap: IdMapStore = Object.assign(new MemoryIdMapStore(), {
    close: async () => {
      throw new ConfigError('could not compact ID map ids.ndjson while closing it (ENOSPC)');
    },
  });
  return { options: { idMap }, idMap } as PlanSetup;
}

describe('closingIdMap', () => {
  it('rethrows the run’s error and only reports the failed close on stderr', async () => {
    const output = io();
    const runError = new Error('connection to plannr failed');
    await expect(closingIdMap(failingToClose(), output, () => Promise.reject(runError))).rejects.toBe(
      runError,
    );
    expect(output.stderr.text).toBe(
      'warning: could not compact ID map ids.ndjson while closing it (ENOSPC)\n',
    );
  });

  it('fails a run that went well when its ID map cannot be closed', async () => {
    const output = io();
    await expect(closingIdMap(failingToClose(), output, async () => 0)).rejects.toThrow(/ENOSPC/);
    expect(output.stderr.text).toBe('');
  });
});
