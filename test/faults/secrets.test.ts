/**
 * Credentials never leak. Every provider and auth kind runs with canary credentials the simulators accept
 * (and a wrong canary they refuse), on success and on every failure path — servers that echo the credentials
 * in 401s, 422s, 429s, HTML error pages and cut-short answers, answers that never come, transports that fail
 * naming them — and everything a run can emit is searched: errors (message, stack, JSON, inspection), hook
 * payloads, exports, plans, summaries, progress events and bars, ID map files, and the real binary's
 * stdout/stderr for every command that takes credentials, piped and on a terminal.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCapillaryAdapter } from '@goalbridge/capillary';
import {
  type ApplyEvent,
  apply,
  exportNdjson,
  exportSinger,
  type GoalAdapter,
  GoalbridgeError,
  type GoalInputDraft,
  type HttpHooks,
  plan,
  toGoalInput,
} from '@goalbridge/core';
import { FileIdMapStore } from '@goalbridge/core/node';
import { createPipedriveAdapter } from '@goalbridge/pipedrive';
import { createPlannrAdapter } from '@goalbridge/plannr';
import { PLANNR_SANDBOX } from '@goalbridge/plannr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressBar, progressLines } from '../../packages/cli/src/render/progress.ts';
import {
  CANARIES,
  CAPILLARY_KEY,
  CAPILLARY_USERNAME,
  type CanaryServers,
  canarySimulators,
  echoOf,
  echoRefusal,
  errorTexts,
  leaksIn,
  startCanaryServers,
  tokenNotingFetch,
} from '../support/canaries.ts';
import { capturedOutput, runCli, runInProcess } from '../support/cli.ts';
import { cliDefaultFlags, DEFAULTS_FOR, type ProviderName } from '../support/providers.ts';

/** Everything a test captured, by where it came from. */
class Capture {
  readonly texts: { where: string; text: string }[] = [];
  add(where: string, ...texts: unknown[]): void {
    for (const text of texts)
      this.texts.push({ where, text: typeof text === 'string' ? text : JSON.stringify(text) });
  }
  error(where: string, error: unknown): void {
    this.add(where, ...errorTexts(error));
  }
  hooks(where: string): HttpHooks {
    const record = (kind: string) => (event: unknown) => this.add(`${where} ${kind}`, event);
    return {
      onRequest: record('onRequest'),
      onResponse: record('onResponse'),
      onRetry: record('onRetry'),
      onWarning: record('onWarning'),
    };
  }
  /** Where a credential turned up, and how. */
  leaks(): string[] {
    return this.texts.flatMap(({ where, text }) => leaksIn(text).map((found) => `${where}: ${found}`));
  }
}

type Auth = 'pipedrive-token' | 'pipedrive-oauth' | 'plannr' | 'capillary-basic' | 'capillary-oauth';
const AUTHS: Auth[] = ['pipedrive-token', 'pipedrive-oauth', 'plannr', 'capillary-basic', 'capillary-oauth'];
const providerOf = (auth: Auth) => auth.split('-')[0] as ProviderName;

type Simulators = ReturnType<typeof canarySimulators>;
type Wrap = (fetch: typeof globalThis.fetch) => typeof globalThis.fetch;

/**
 * An adapter authenticated with a canary (or with `credential`, e.g. the wrong one). Its name stays free of the
 * canary mark: it is in the stack of every error thrown while building one.
 */
function adapterFor(
  auth: Auth,
  simulators: Simulators,
  options: { hooks?: HttpHooks; wrap?: Wrap; credential?: string; baseURL?: string } = {},
): GoalAdapter {
  const simulator = simulators[providerOf(auth)];
  const fetch = (options.wrap ?? ((inner) => inner))(tokenNotingFetch(simulator));
  const common = {
    fetch,
    retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: 150,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
  };
  const secret = (fallback: string) => options.credential ?? fallback;
  switch (auth) {
    case 'pipedrive-token':
      return createPipedriveAdapter({
        ...common,
        apiToken: secret(CANARIES.pipedriveApiToken),
        plan: 'ultimate',
        defaultInterval: 'monthly',
      });
    case 'pipedrive-oauth':
      return createPipedriveAdapter({
        ...common,
        accessToken: secret(CANARIES.pipedriveAccessToken),
        plan: 'ultimate',
        defaultInterval: 'monthly',
      });
    case 'plannr':
      return createPlannrAdapter({
        ...common,
        accessToken: secret(CANARIES.plannrAccessToken),
        accountUuid: PLANNR_SANDBOX.accountUuid,
      });
    case 'capillary-basic':
      return createCapillaryAdapter({
        ...common,
        auth: { type: 'basic', username: CAPILLARY_USERNAME, password: secret(CANARIES.capillaryPassword) },
      });
    case 'capillary-oauth':
      return createCapillaryAdapter({
        ...common,
        auth: { type: 'oauth', key: CAPILLARY_KEY, secret: secret(CANARIES.capillarySecret) },
      });
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** A goal this provider can hold: one of its own, under a new title. */
async function sampleInput(adapter: GoalAdapter, title: string): Promise<GoalInputDraft> {
  const [goal] = await collect(adapter.list());
  if (!goal) throw new Error('no goal to copy');
  return { ...toGoalInput(goal), title };
}

// ---------------------------------------------------------------------------------------------------------
// Servers that echo what they were sent: the credentials in headers, and in the body of a token request.

const echo = echoOf;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const FAILURES: Record<string, (request: Request) => Promise<Response>> = {
  'a 401 that echoes the credentials': echoRefusal,
  'a 422 that echoes them in a field error': async (request) =>
    json(422, { message: 'invalid', errors: { name: [`bad ${await echo(request)}`] } }),
  'a 429 that echoes them': async (request) =>
    json(429, { error: await echo(request) }, { 'retry-after': '0' }),
  'a 502 HTML page that echoes the request': async (request) =>
    new Response(`<html><title>Bad gateway</title><pre>${await echo(request)}</pre></html>`, {
      status: 502,
      headers: { 'content-type': 'text/html' },
    }),
  'a 200 cut short that echoes them': async (request) =>
    new Response(`{"success":true,"data":{"echo":"${(await echo(request)).replaceAll('"', "'")}`, {
      status: 200,
    }),
  'an answer that never comes': (request) =>
    new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))),
  'a transport error naming them': async (request) => {
    throw new Error(`proxy refused the request: ${await echo(request)}`);
  },
};

/** Fails every request but Capillary's token call (so the issued token is sent, and echoed, too). */
const failing =
  (respond: (request: Request) => Promise<Response>, tokenToo = false): Wrap =>
  (fetch) =>
  async (input, init) => {
    const request = new Request(input, init);
    if (!tokenToo && request.url.includes('oauth/token/generate')) return fetch(request);
    return respond(request);
  };

describe.each(AUTHS)('%s with canary credentials', (auth) => {
  it('succeeds without a credential in anything it returns, exports or reports', async () => {
    const capture = new Capture();
    const simulators = canarySimulators();
    const adapter = adapterFor(auth, simulators, { hooks: capture.hooks(auth) });
    const goals = await collect(adapter.list());
    expect(goals.length).toBeGreaterThan(0);
    capture.add('list', goals);
    capture.add('ndjson', (await collect(exportNdjson(adapter.list()))).join(''));
    capture.add('singer', (await collect(exportSinger(adapter.list()))).join(''));
    const { goal, warnings } = await adapter.create(await sampleInput(adapter, `Secrets ${auth}`));
    capture.add('create', goal, warnings);
    capture.add('get', await adapter.get(goal.id));
    capture.add(
      'update',
      await adapter.update(goal.id, { description: 'changed' }).catch((error) => errorTexts(error)),
    );
    capture.add('progress', await adapter.progress(goal.id).catch((error) => errorTexts(error)));
    await adapter.delete(goal.id);
    expect(
      capture.texts.some(({ where }) => where.endsWith('onRequest')),
      'hooks heard',
    ).toBe(true);
    expect(capture.leaks()).toEqual([]);
  });

  it.each(Object.keys(FAILURES))('fails on %s with a typed error and no credential in it', async (name) => {
    const capture = new Capture();
    const simulators = canarySimulators();
    const input = await sampleInput(adapterFor(auth, simulators), `Secrets ${auth} failing`);
    const respond = FAILURES[name] as (request: Request) => Promise<Response>;
    for (const tokenToo of auth === 'capillary-oauth' ? [false, true] : [false]) {
      const adapter = adapterFor(auth, simulators, {
        hooks: capture.hooks(`${name} hooks`),
        wrap: failing(respond, tokenToo),
      });
      for (const [operation, attempt] of [
        ['list', () => collect(adapter.list())],
        ['create', () => adapter.create(input)],
      ] as const) {
        const error = await attempt().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(GoalbridgeError.isInstance(error), `${operation}: ${String(error)}`).toBe(true);
        capture.error(`${name} ${operation}${tokenToo ? ' (token call)' : ''}`, error);
      }
    }
    expect(capture.leaks()).toEqual([]);
  });

  it('is refused with a wrong credential, which appears nowhere', async () => {
    const capture = new Capture();
    const adapter = adapterFor(auth, canarySimulators(), {
      hooks: capture.hooks('wrong'),
      credential: CANARIES.wrong,
    });
    const error = await collect(adapter.list()).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(
      GoalbridgeError.isInstance(error) && ['auth', 'permission'].includes(error.code),
      String(error),
    ).toBe(true);
    capture.error('wrong credential', error);
    expect(capture.leaks()).toEqual([]);
  });

  it('refuses a base URL that holds a credential, without repeating it', () => {
    const capture = new Capture();
    const baseURL = `https://user:${CANARIES.pipedriveApiToken}@api.example.com/v1`;
    let error: unknown;
    try {
      adapterFor(auth, canarySimulators(), { baseURL });
    } catch (caught) {
      error = caught;
    }
    expect(GoalbridgeError.isInstance(error) && error.code, String(error)).toBe('config');
    expect(String((error as Error).message)).toContain('baseURL');
    capture.error('base URL with a credential', error);
    expect(capture.leaks()).toEqual([]);
  });
});

describe('a migration between canary-authenticated providers', () => {
  it('keeps credentials out of plans, summaries, progress events and bars, and the ID map file', async () => {
    const capture = new Capture();
    const simulators = canarySimulators();
    const dir = mkdtempSync(join(tmpdir(), 'goalbridge-secrets-'));
    for (const [from, to] of [
      ['capillary-oauth', 'pipedrive-token'],
      ['pipedrive-oauth', 'plannr'],
      ['plannr', 'capillary-basic'],
    ] as const) {
      const source = adapterFor(from, simulators, { hooks: capture.hooks(from) });
      // Every other create meets a server that echoes the credentials back.
      let creates = 0;
      const echoing: Wrap = (fetch) => async (input, init) => {
        const request = new Request(input, init);
        if (request.method === 'POST' && !request.url.includes('oauth') && ++creates % 2 === 0) {
          return FAILURES['a 401 that echoes the credentials']?.(request) as Promise<Response>;
        }
        return fetch(request);
      };
      const target = adapterFor(to, simulators, { hooks: capture.hooks(to), wrap: echoing });
      const idMapFile = join(dir, `${from}-${to}.jsonl`);
      const idMap = await FileIdMapStore.open(idMapFile);
      const planned = await plan(source, target, { ...DEFAULTS_FOR[providerOf(to)], idMap });
      capture.add('plan', planned);
      const events: ApplyEvent[] = [];
      const terminal = capturedOutput({ columns: 120 });
      const piped = capturedOutput();
      const bar = progressBar(terminal, `${from} → ${to}`);
      const lines = progressLines(piped);
      const summary = await apply(planned, {
        target,
        idMap,
        maxAttempts: 1,
        onProgress: (event) => {
          events.push(event);
          bar(event);
          lines(event);
        },
      });
      await idMap.close();
      expect(summary.counts.failed, 'echoing servers refused some creates').toBeGreaterThan(0);
      capture.add('summary', summary);
      capture.add('progress events', events);
      capture.add('progress bar', terminal.text);
      capture.add('progress lines', piped.text);
      capture.add('ID map file', readFileSync(idMapFile, 'utf8'));
    }
    expect(capture.leaks()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The real binary, and the CLI on a terminal.

describe('the goalbridge command', () => {
  let servers: CanaryServers;
  const dir = mkdtempSync(join(tmpdir(), 'goalbridge-secrets-cli-'));
  const defaults = {
    plannr: cliDefaultFlags('plannr'),
    pipedrive: cliDefaultFlags('pipedrive'),
    capillary: cliDefaultFlags('capillary'),
  };
  const without = (env: Record<string, string>, ...names: string[]) =>
    Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));

  beforeAll(async () => {
    servers = await startCanaryServers();
  }, 30_000);
  afterAll(async () => {
    await servers?.close();
  });

  it('never prints a credential, whatever the command, auth kind or outcome', async () => {
    const capture = new Capture();
    const { env } = servers;
    const oauthPipedrive = {
      ...without(env, 'PIPEDRIVE_API_TOKEN'),
      PIPEDRIVE_ACCESS_TOKEN: CANARIES.pipedriveAccessToken,
    };
    const oauthCapillary = {
      ...without(env, 'CAPILLARY_USERNAME', 'CAPILLARY_PASSWORD'),
      CAPILLARY_KEY,
      CAPILLARY_SECRET: CANARIES.capillarySecret,
    };
    const runs: {
      name: string;
      args: string[];
      env?: Record<string, string>;
      input?: string;
      code: number;
    }[] = [
      { name: 'list, API token', args: ['list', '--from', 'pipedrive'], code: 0 },
      { name: 'list, OAuth', args: ['list', '--from', 'pipedrive'], env: oauthPipedrive, code: 0 },
      { name: 'list, Capillary OAuth', args: ['list', '--from', 'capillary'], env: oauthCapillary, code: 0 },
      {
        name: 'list, credential as a flag',
        args: ['list', '--from', 'plannr', '--plannr-access-token', CANARIES.plannrAccessToken],
        env: without(env, 'PLANNR_ACCESS_TOKEN'),
        code: 0,
      },
      { name: 'export NDJSON', args: ['export', '--from', 'capillary', '--out', 'goals.ndjson'], code: 0 },
      {
        name: 'export Singer',
        args: ['export', '--from', 'plannr', '--format', 'singer', '--out', 'singer.jsonl'],
        code: 0,
      },
      {
        name: 'plan',
        args: ['plan', '--from', 'pipedrive', '--to', 'plannr', '--out', 'plan.json', ...defaults.plannr],
        code: -1,
      },
      {
        name: 'migrate, dry run',
        args: ['migrate', '--from', 'pipedrive', '--to', 'capillary', '--dry-run', ...defaults.capillary],
        code: -1,
      },
      {
        name: 'wrong API token',
        args: ['list', '--from', 'pipedrive'],
        env: { ...env, PIPEDRIVE_API_TOKEN: CANARIES.wrong },
        code: 2,
      },
      {
        name: 'wrong Capillary secret',
        args: ['list', '--from', 'capillary'],
        env: { ...oauthCapillary, CAPILLARY_SECRET: CANARIES.wrong },
        code: 2,
      },
    ];
    const results = await Promise.all(
      runs.map((entry) =>
        runCli(entry.args, {
          env: entry.env ?? env,
          cwd: dir,
          ...(entry.input ? { input: entry.input } : {}),
        }),
      ),
    );
    results.forEach((result, index) => {
      const entry = runs[index] as (typeof runs)[number];
      if (entry.code >= 0) expect(result.code, `${entry.name}: ${result.stderr}`).toBe(entry.code);
      capture.add(`${entry.name} stdout`, result.stdout);
      capture.add(`${entry.name} stderr`, result.stderr);
    });

    // Writes: a migration with an ID map, and imports from a file and from standard input.
    const exported = readFileSync(join(dir, 'goals.ndjson'), 'utf8');
    const writes = [
      {
        name: 'migrate',
        args: [
          'migrate',
          '--from',
          'capillary',
          '--to',
          'plannr',
          '--id-map',
          'ids.jsonl',
          ...defaults.plannr,
        ],
      },
      {
        name: 'import a file',
        args: [
          'import',
          '--to',
          'pipedrive',
          '--in',
          'goals.ndjson',
          '--id-map',
          'ids-import.jsonl',
          ...defaults.pipedrive,
        ],
      },
      {
        name: 'import stdin, dry run',
        args: ['import', '--to', 'capillary', '--in', '-', '--dry-run', ...defaults.capillary],
        input: exported,
      },
    ];
    for (const entry of writes) {
      const result = await runCli(entry.args, {
        env,
        cwd: dir,
        ...(entry.input ? { input: entry.input } : {}),
      });
      expect(result.code, `${entry.name}: ${result.stderr}`).toBeLessThanOrEqual(1);
      expect(result.stdout.length, entry.name).toBeGreaterThan(0);
      capture.add(`${entry.name} stdout`, result.stdout);
      capture.add(`${entry.name} stderr`, result.stderr);
    }
    // Servers that echo the credentials back in their refusal (Capillary's token call included).
    for (const [provider, providerEnv] of [
      ['plannr', env],
      ['capillary', oauthCapillary],
    ] as const) {
      servers.echoing.add(provider);
      try {
        const result = await runCli(['list', '--from', provider], { env: providerEnv, cwd: dir });
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr).toMatch(/401/);
        capture.add(`${provider} echoing stderr`, result.stderr);
        capture.add(`${provider} echoing stdout`, result.stdout);
      } finally {
        servers.echoing.delete(provider);
      }
    }
    for (const file of ['goals.ndjson', 'singer.jsonl', 'plan.json', 'ids.jsonl', 'ids-import.jsonl'])
      capture.add(`file ${file}`, readFileSync(join(dir, file), 'utf8'));
    expect(capture.leaks()).toEqual([]);
  }, 90_000);

  it('never prints one on a terminal either: tables, progress bar and error messages', async () => {
    const capture = new Capture();
    const cli = async (name: string, argv: string[], env: Record<string, string>) => {
      const result = await runInProcess(argv, { env, cwd: dir, terminal: { columns: 120 } });
      capture.add(`${name} stdout`, result.stdout);
      capture.add(`${name} stderr`, result.stderr);
      return result;
    };
    const { env } = servers;
    expect((await cli('list', ['list', '--from', 'capillary'], env)).stdout).toMatch(/goals\n$/);
    expect(
      (await cli('plan', ['plan', '--from', 'plannr', '--to', 'pipedrive', ...defaults.pipedrive], env))
        .stdout,
    ).toMatch(/^Plan plannr → pipedrive/);
    const migrated = await cli(
      'migrate',
      ['migrate', '--from', 'plannr', '--to', 'capillary', ...defaults.capillary],
      env,
    );
    expect(migrated.stderr, 'a progress bar on the terminal').toMatch(/plannr → capillary .*\d+\/\d+/);
    expect(migrated.stdout).toMatch(/Migration plannr → capillary/);
    const refused = await cli('wrong token', ['list', '--from', 'plannr'], {
      ...env,
      PLANNR_ACCESS_TOKEN: CANARIES.wrong,
    });
    expect(refused.code).toBe(2);
    // Servers that echo the credentials back in their refusal, for each provider and both Capillary auth kinds.
    for (const provider of ['pipedrive', 'plannr', 'capillary'] as const) {
      servers.echoing.add(provider);
      try {
        const echoed = await cli(`${provider} echoing`, ['list', '--from', provider], env);
        expect(echoed.code, echoed.stderr).toBe(2);
        expect(echoed.stderr).toMatch(/401/);
      } finally {
        servers.echoing.delete(provider);
      }
    }
    expect(capture.leaks()).toEqual([]);
  });
});
