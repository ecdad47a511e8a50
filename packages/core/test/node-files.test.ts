import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../src/errors.ts';
import { FileIdMapStore } from '../src/node/file-id-map-store.ts';
import { fileChunks, readJsonFile, readOwnerMapFile } from '../src/node/files.ts';
import { readNdjson } from '../src/streams/ndjson.ts';

const dir = mkdtempSync(join(tmpdir(), 'goalbridge-files-'));
let n = 0;
const file = () => join(dir, `map-${++n}.jsonl`);
const open: FileIdMapStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});
async function openStore(path: string) {
  const store = await FileIdMapStore.open(path);
  open.push(store);
  return store;
}
const entry = (i: number, state: 'pending' | 'done' = 'done') => ({
  source: `pipedrive:${i}`,
  target: 'plannr',
  state,
  ...(state === 'done' ? { targetId: `uuid-${i}` } : {}),
  key: `k${i}`,
  at: '2026-01-01T00:00:00.000Z',
});

describe('FileIdMapStore', () => {
  it('keeps entries across reopening, the last write of a source winning', async () => {
    const path = file();
    const store = await FileIdMapStore.open(path);
    await store.set(entry(1, 'pending'));
    await store.set(entry(1));
    await store.set(entry(2));
    await store.close();
    const again = await openStore(path);
    expect(await again.get('pipedrive:1', 'plannr')).toEqual(entry(1));
    expect((await again.entries('plannr')).map((e) => e.source)).toEqual(['pipedrive:1', 'pipedrive:2']);
    expect(await again.entries('capillary')).toEqual([]);
  });

  it('drops a torn last line left by a crash and rewrites the file whole', async () => {
    const path = file();
    writeFileSync(path, `${JSON.stringify({ v: 1, ...entry(1) })}\n{"v":1,"source":"pipedrive:2","tar`);
    const store = await openStore(path);
    expect(await store.entries('plannr')).toEqual([entry(1)]);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify({ v: 1, ...entry(1) })}\n`);
    await store.set(entry(3));
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('refuses a corrupt line in the middle, naming file and line', async () => {
    const path = file();
    writeFileSync(
      path,
      `${JSON.stringify({ v: 1, ...entry(1) })}\nnot json\n${JSON.stringify({ v: 1, ...entry(2) })}\n`,
    );
    const error = await FileIdMapStore.open(path).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `ID map ${path} line 2 is not a valid entry; fix or remove that line`,
    );
    writeFileSync(path, `${JSON.stringify({ v: 1, ...entry(1), state: 'maybe' })}\n`);
    await expect(FileIdMapStore.open(path)).rejects.toThrow(/line 1 is not a valid entry/);
  });

  it('compacts a long journal into one line per entry', async () => {
    const path = file();
    const store = await openStore(path);
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 300; i++) await store.set(entry(i, round % 2 === 0 ? 'pending' : 'done'));
    }
    expect(readFileSync(path, 'utf8').trim().split('\n').length).toBeLessThan(900);
    await store.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(300);
  });

  it('is locked against a second writer, and a lock left by a dead process is taken over', async () => {
    const path = file();
    await openStore(path);
    await expect(FileIdMapStore.open(path)).rejects.toThrow(/already open in this process/);

    const other = file();
    writeFileSync(`${other}.lock`, '999999999');
    const taken = await openStore(other);
    await taken.set(entry(1));

    const busy = file();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      writeFileSync(`${busy}.lock`, String(sleeper.pid));
      await expect(FileIdMapStore.open(busy)).rejects.toThrow(new RegExp(`in use by process ${sleeper.pid}`));
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('loses nothing recorded before the process is killed (SIGKILL mid-run)', async () => {
    const path = file();
    const moduleUrl = new URL('../src/node/file-id-map-store.ts', import.meta.url).href;
    const script = `
      const { FileIdMapStore } = await import(${JSON.stringify(moduleUrl)});
      const store = await FileIdMapStore.open(${JSON.stringify(path)});
      for (let i = 0; ; i++) {
        await store.set({ source: 'pipedrive:' + i, target: 'plannr', state: 'done', targetId: 't' + i, at: 'now' });
        process.stdout.write(i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let confirmed = -1;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const last = chunk.toString().trim().split('\n').at(-1);
        confirmed = Number(last);
        if (confirmed >= 2000) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    const store = await openStore(path);
    const entries = await store.entries('plannr');
    expect(entries.length).toBeGreaterThanOrEqual(confirmed + 1);
    for (let i = 0; i <= confirmed; i++)
      expect(await store.get(`pipedrive:${i}`, 'plannr')).toMatchObject({ targetId: `t${i}` });
  });
});

describe('unusable paths', () => {
  it('names an ID map in a folder that does not exist as a config error, not a raw fs error', async () => {
    const error = await FileIdMapStore.open(join(dir, 'no-such-folder', 'ids.jsonl')).catch(
      (e: unknown) => e,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^cannot create ID map .*no-such-folder\/ids\.jsonl: ENOENT$/);
  });

  it('reads NDJSON input lazily, and a missing file is a config error when read, never an unhandled stream error', async () => {
    const chunks = fileChunks(join(dir, 'missing.ndjson'));
    // Nothing is opened until the first chunk is asked for: no stream error can go unheard meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const error = await readNdjson(chunks)
      .next()
      .catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^cannot read .*missing\.ndjson: ENOENT$/);
  });
});

describe('user files', () => {
  it('names the file, line and column of a JSON syntax error', async () => {
    const path = join(dir, 'owners.json');
    writeFileSync(path, '{\n  "person:1": { "type": "account", "id": "a" },\n  oops\n}');
    await expect(readJsonFile(path)).rejects.toThrow(`${path} (line 3, column 3) is not valid JSON`);
    await expect(readJsonFile(join(dir, 'missing.json'))).rejects.toThrow(
      /cannot read .*missing\.json: ENOENT/,
    );
  });

  it('reads a file saved with a UTF-8 byte order mark', async () => {
    const path = join(dir, 'owners-bom.json');
    writeFileSync(path, '\uFEFF{ "person:1": { "type": "account", "id": "a" } }');
    expect(await readJsonFile(path)).toEqual({ 'person:1': { type: 'account', id: 'a' } });
  });

  it('validates an owner map file', async () => {
    const path = join(dir, 'owners-bad.json');
    writeFileSync(path, JSON.stringify({ 'person:1': { type: 'account' } }));
    const error = await readOwnerMapFile(path).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `invalid ${path}: person:1.id: Invalid input: expected string, received undefined`,
    );
  });
});
