/**
 * A corpus of malformed input, generated from tables: goal drafts, provider answers, NDJSON lines, owner and
 * ID map files, and CLI flags and settings. Each case must end in a typed error (or a warning) that names
 * the field, line or file at fault — never a crash, a hang or a partial write — and none may pollute
 * `Object.prototype`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPILLARY_SANDBOX, createCapillarySimulator } from '@goalbridge/capillary/testing';
import {
  ConfigError,
  type GoalInputDraft,
  InvalidLineError,
  InvalidResponseError,
  importNdjson,
  NotFoundError,
  parseOwnerMap,
  ValidationError,
  type WarningEvent,
} from '@goalbridge/core';
import { FileIdMapStore, readOwnerMapFile } from '@goalbridge/core/node';
import type { Simulator } from '@goalbridge/core/simulator';
import {
  generatePipedriveDataset,
  PIPEDRIVE_SANDBOX,
  startPipedriveSandbox,
} from '@goalbridge/pipedrive/testing';
import { PLANNR_SANDBOX, startPlannrSandbox } from '@goalbridge/plannr/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../support/cli.ts';
import { type Corruption, corruptAnswers, removeAt, setAt } from '../support/corrupt.ts';
import {
  DEFAULTS_FOR,
  listGoals,
  PROVIDER_NAMES,
  type ProviderName,
  testProvider,
} from '../support/providers.ts';

const dir = mkdtempSync(join(tmpdir(), 'goalbridge-corpus-'));
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort(), 'Object.prototype untouched').toEqual(
    PROTOTYPE_KEYS,
  );
  expect(({} as Record<string, unknown>).polluted, 'no polluted object').toBeUndefined();
});

/** Requests that could have changed something. */
function writes(simulator: Simulator): number {
  return [...simulator.stats.byRoute]
    .filter(([route]) => !route.startsWith('GET '))
    .reduce((n, [, c]) => n + c, 0);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)?.slice(0, 200)}`);
    },
    (error: unknown) => error,
  );
}

function issuePaths(error: unknown): string[] {
  return ((error as { issues?: { path: string }[] }).issues ?? []).map((issue) => issue.path);
}

const deepJson = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

// ---------------------------------------------------------------------------------------------------------
// Goal drafts: refused by every adapter before any request, naming the field.

const goal = {
  title: 'Q3 revenue',
  measure: { kind: 'money', metric: 'deals_won' },
  target: { value: '1000', currency: 'EUR' },
  schedule: { start: '2026-07-01', end: '2026-09-30', recurrence: 'monthly' },
};
const draft = (changes: Record<string, unknown>) => ({ ...goal, ...changes });
const period = (start: string, end: string) => ({ start, end, target: '10' });

const DRAFTS: { name: string; draft: unknown; path: string }[] = [
  { name: 'an empty title', draft: draft({ title: '' }), path: 'title' },
  { name: 'a title of ASCII blanks', draft: draft({ title: ' \t\n ' }), path: 'title' },
  { name: 'a title of Unicode blanks', draft: draft({ title: '\u00a0\u3000\u2028\ufeff' }), path: 'title' },
  { name: 'a title of zero-width characters', draft: draft({ title: '\u200b\u200d\u2060' }), path: 'title' },
  { name: 'a numeric title', draft: draft({ title: 42 }), path: 'title' },
  { name: 'a null title', draft: draft({ title: null }), path: 'title' },
  { name: 'no title', draft: { measure: goal.measure, target: goal.target }, path: 'title' },
  { name: 'a title of 1,025 characters', draft: draft({ title: 'x'.repeat(1025) }), path: 'title' },
  { name: 'a title of 5 MB', draft: draft({ title: 'x'.repeat(5_000_000) }), path: 'title' },
  {
    name: 'a title of 1,200 code points in emoji',
    draft: draft({ title: '👩‍💻'.repeat(400) }),
    path: 'title',
  },
  {
    name: 'a description over 20,000 characters',
    draft: draft({ description: 'd'.repeat(20_001) }),
    path: 'description',
  },
  { name: 'no measure', draft: draft({ measure: undefined }), path: 'measure' },
  {
    name: 'an unknown measure kind',
    draft: draft({ measure: { kind: 'weight', metric: 'kg' } }),
    path: 'measure.kind',
  },
  {
    name: 'an empty metric',
    draft: draft({ measure: { kind: 'count', metric: '' } }),
    path: 'measure.metric',
  },
  {
    name: 'a target that is not a number',
    draft: draft({ target: { value: 'lots' } }),
    path: 'target.value',
  },
  {
    name: 'a negative target',
    draft: draft({ target: { value: '-1', currency: 'EUR' } }),
    path: 'target.value',
  },
  { name: 'a NaN target', draft: draft({ target: { value: Number.NaN } }), path: 'target.value' },
  {
    name: 'an infinite target',
    draft: draft({ target: { value: Number.POSITIVE_INFINITY } }),
    path: 'target.value',
  },
  {
    name: 'a target in full-width digits',
    draft: draft({ target: { value: '１２' } }),
    path: 'target.value',
  },
  {
    name: 'an unknown currency',
    draft: draft({ target: { value: '1', currency: 'EURO' } }),
    path: 'target.currency',
  },
  {
    name: 'a full-width currency code',
    draft: draft({ target: { value: '1', currency: 'ＥＵＲ' } }),
    path: 'target.currency',
  },
  {
    name: 'a currency on a count goal',
    draft: draft({ measure: { kind: 'count', metric: 'calls' }, target: { value: '5', currency: 'EUR' } }),
    path: 'target.currency',
  },
  { name: 'February 30th', draft: draft({ schedule: { start: '2026-02-30' } }), path: 'schedule.start' },
  {
    name: 'a date in Arabic-Indic digits',
    draft: draft({ schedule: { start: '٢٠٢٦-٠١-٠١' } }),
    path: 'schedule.start',
  },
  {
    name: 'an end before the start',
    draft: draft({ schedule: { start: '2026-09-30', end: '2026-07-01' } }),
    path: 'schedule.end',
  },
  {
    name: 'overlapping periods',
    draft: draft({
      schedule: {
        start: '2026-07-01',
        end: '2026-09-30',
        periods: [period('2026-07-01', '2026-08-15'), period('2026-08-01', '2026-09-30')],
      },
    }),
    path: 'schedule.periods.1.start',
  },
  {
    name: 'an unknown recurrence',
    draft: draft({ schedule: { recurrence: 'hourly' } }),
    path: 'schedule.recurrence',
  },
  { name: 'priority 6', draft: draft({ priority: 6 }), path: 'priority' },
  { name: 'priority 2.5', draft: draft({ priority: 2.5 }), path: 'priority' },
  { name: 'an unknown status', draft: draft({ status: 'paused' }), path: 'status' },
  { name: 'owners that are not a list', draft: draft({ owners: 'me' }), path: 'owners' },
  {
    name: 'an owner with an empty type',
    draft: draft({ owners: [{ type: '', id: '1' }] }),
    path: 'owners.0.type',
  },
  { name: 'a misspelt field', draft: draft({ titel: 'x' }), path: 'titel' },
  {
    name: 'a top-level __proto__ key',
    draft: JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(goal).slice(1)}`),
    path: '__proto__',
  },
  {
    name: 'a __proto__ key in extensions',
    draft: draft({ extensions: JSON.parse('{"pipedrive": {"__proto__": {"polluted": true}}}') }),
    path: 'extensions',
  },
  {
    name: 'a constructor.prototype key in a measure scope',
    draft: draft({
      measure: { ...goal.measure, scope: JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}') },
    }),
    path: 'measure.scope',
  },
  {
    name: 'extensions nested 20,000 deep',
    draft: draft({ extensions: { memory: deepJson(20_000) } }),
    path: 'extensions',
  },
  {
    name: 'an extension namespace with a space',
    draft: draft({ extensions: { 'Pipe Drive': {} } }),
    path: 'extensions',
  },
  {
    name: '1,001 periods',
    draft: draft({ schedule: { periods: Array(1001).fill(period('2026-01-01', '2026-01-01')) } }),
    path: 'schedule.periods',
  },
  { name: 'null instead of a goal', draft: null, path: '' },
  { name: 'a string instead of a goal', draft: 'Q3 revenue', path: '' },
  { name: 'a list instead of a goal', draft: [goal], path: '' },
];

describe.each(PROVIDER_NAMES)('goal drafts into %s', (name) => {
  it.each(DRAFTS)('$name: a ValidationError at "$path", before any request', async ({ draft, path }) => {
    const { adapter, simulator } = testProvider(name);
    const error = await rejection(adapter.create(draft as GoalInputDraft));
    expect(ValidationError.isInstance(error), String(error)).toBe(true);
    expect(issuePaths(error)).toContain(path);
    expect(simulator.stats.requests).toBe(0);
  });
});

const IDS: Record<ProviderName, string> = {
  pipedrive: '0123456789abcdef0123456789abcdef',
  plannr: '3f0e5f7c-1b8e-4f0a-9a7e-2c7d1e9b4a10',
  capillary: '12345',
};
const BAD_IDS = ['', '   ', '../../v1/deals', '1 OR 1=1', 'x'.repeat(10_000), '١٢٣', '%2e%2e%2f'];

describe.each(PROVIDER_NAMES)('ids and patches for %s', (name) => {
  it.each(BAD_IDS)('get(%j): a ValidationError at "id", before any request', async (id) => {
    const { adapter, simulator } = testProvider(name);
    const error = await rejection(adapter.get(id));
    expect(ValidationError.isInstance(error), String(error)).toBe(true);
    expect(issuePaths(error)).toEqual(['id']);
    expect(simulator.stats.requests).toBe(0);
  });

  it.each([
    { patch: { title: '' }, path: 'title' },
    { patch: { target: { value: 'NaN' } }, path: 'target.value' },
    { patch: { schedule: { start: '2026-02-30' } }, path: 'schedule.start' },
    { patch: { nonsense: true }, path: 'nonsense' },
  ])('update with $patch: a ValidationError at "$path", before any request', async ({ patch, path }) => {
    const { adapter, simulator } = testProvider(name);
    const error = await rejection(adapter.update(IDS[name], patch as never));
    expect(ValidationError.isInstance(error), String(error)).toBe(true);
    expect(issuePaths(error)).toContain(path);
    expect(simulator.stats.requests).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Provider answers: a listing whose answer is malformed fails with a typed error naming what is wrong.

type Expected =
  | { error: 'InvalidResponseError' | 'NotFoundError' | 'ValidationError'; path?: string; message?: RegExp }
  /** Read on, with a warning whose field matches `field`. */
  | { warning: RegExp; field: string };

const invalid = (where?: string | RegExp): Expected =>
  where === undefined
    ? { error: 'InvalidResponseError' }
    : typeof where === 'string'
      ? { error: 'InvalidResponseError', path: where }
      : { error: 'InvalidResponseError', message: where };

interface AnswerCase {
  name: string;
  corruption: Corruption;
  expected: Expected;
}

const notJson = /not JSON/;
/** Corruptions every provider's listing must survive the same way. */
const COMMON_ANSWERS: AnswerCase[] = [
  {
    name: 'an HTML page with status 200',
    corruption: { text: '<!DOCTYPE html><p>Down for maintenance</p>' },
    expected: invalid(notJson),
  },
  {
    name: 'truncated JSON',
    corruption: { text: (text) => text.slice(0, text.length / 2) },
    expected: invalid(notJson),
  },
  { name: 'an empty body', corruption: { text: '' }, expected: invalid() },
  { name: 'JSON null', corruption: { text: 'null' }, expected: invalid() },
  { name: 'a JSON array', corruption: { text: '[]' }, expected: invalid() },
  { name: 'a JSON string', corruption: { text: '"ok"' }, expected: invalid() },
  { name: 'a JSON number', corruption: { text: '42' }, expected: invalid() },
];

const protoWarning = (field: string): Expected => ({
  warning: /"__proto__" key, which is never kept/,
  field,
});
/** A key the Goal refuses, dropped from the goal read (the rest of the goal and the listing read on). */
const unsafeKey = (field: string): Expected => ({ warning: /JSON key that can reach a prototype/, field });
/** Unknown data nested past the Goal's limit: the part within it is kept, the rest dropped. */
const tooDeep = (extra: string): Expected => ({
  warning: /nested more than 64 levels deep/,
  field: `${extra}${'.a'.repeat(61)}`,
});

/** Splices `"key": value` into the first goal object of a JSON answer, as raw text. */
const splice = (marker: string, member: string): Corruption => ({
  text: (text) => text.replace(marker, `${member},${marker}`),
});

const PIPEDRIVE_ANSWERS: AnswerCase[] = [
  ...COMMON_ANSWERS,
  {
    name: 'success as a string',
    corruption: setAt('success', 'true'),
    expected: invalid('success'),
  },
  {
    name: 'goals as an object',
    corruption: setAt('data.goals', (goals: unknown[]) => ({ 0: goals[0] })),
    expected: invalid('data.goals'),
  },
  {
    name: 'a null goal',
    corruption: setAt('data.goals.0', null),
    expected: invalid('data.goals.0'),
  },
  {
    name: 'a numeric goal id',
    corruption: setAt('data.goals.0.id', 42),
    expected: invalid('data.goals.0.id'),
  },
  {
    name: 'no goal id',
    corruption: removeAt('data.goals.0.id'),
    expected: invalid('data.goals.0.id'),
  },
  {
    name: 'a numeric title',
    corruption: setAt('data.goals.0.title', 7),
    expected: invalid('data.goals.0.title'),
  },
  {
    name: 'no goal type',
    corruption: removeAt('data.goals.0.type'),
    expected: invalid('data.goals.0.type'),
  },
  {
    name: 'a target in words',
    corruption: setAt('data.goals.0.expected_outcome.target', 'lots'),
    expected: invalid('data.goals.0.expected_outcome.target'),
  },
  {
    name: 'an unknown tracking metric',
    corruption: setAt('data.goals.0.expected_outcome.tracking_metric', 'weight'),
    expected: invalid('data.goals.0.expected_outcome.tracking_metric'),
  },
  {
    name: 'a fractional currency id',
    corruption: setAt('data.goals.0.expected_outcome.currency_id', 1.5),
    expected: invalid('data.goals.0.expected_outcome.currency_id'),
  },
  {
    name: 'an assignee id in words',
    corruption: setAt('data.goals.0.assignee.id', 'abc'),
    expected: invalid('data.goals.0.assignee.id'),
  },
  {
    name: 'report ids as an object',
    corruption: setAt('data.goals.0.report_ids', {}),
    expected: invalid('data.goals.0.report_ids'),
  },
  {
    name: 'an impossible start date',
    corruption: setAt('data.goals.0.duration.start', '2026-13-45'),
    expected: invalid('schedule.start'),
  },
  {
    name: 'a start date in Arabic-Indic digits',
    corruption: setAt('data.goals.0.duration.start', '٢٠٢٦-٠١-٠١'),
    expected: invalid('schedule.start'),
  },
  {
    name: 'a title of 2 MB',
    corruption: setAt('data.goals.0.title', 't'.repeat(2_000_000)),
    expected: invalid('title'),
  },
  {
    name: 'a __proto__ key in a goal',
    corruption: splice('"title":', '"__proto__":{"polluted":true}'),
    expected: protoWarning('data.goals.0.__proto__'),
  },
  {
    name: 'a __proto__ key in an unknown field',
    corruption: splice('"title":', '"extra":{"__proto__":{"polluted":true}}'),
    expected: unsafeKey('extensions.pipedrive.extra.extra.__proto__'),
  },
  {
    name: 'a constructor.prototype key in a goal',
    corruption: splice('"title":', '"constructor":{"prototype":{"polluted":true}}'),
    expected: unsafeKey('extensions.pipedrive.extra.constructor'),
  },
  {
    name: 'an unknown field nested 20,000 deep',
    corruption: splice('"title":', `"extra":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`),
    expected: tooDeep('extensions.pipedrive.extra.extra'),
  },
  {
    name: 'success: false inside a 200',
    corruption: { text: '{"success":false,"error":"Bad filter","errorCode":400}' },
    expected: { error: 'ValidationError', message: /Bad filter/ },
  },
];

const PLANNR_ANSWERS: AnswerCase[] = [
  ...COMMON_ANSWERS,
  { name: 'no data', corruption: removeAt('data'), expected: invalid('data') },
  {
    name: 'data as an object',
    corruption: setAt('data', (data: unknown[]) => ({ 0: data[0] })),
    expected: invalid('data'),
  },
  { name: 'no paginator meta', corruption: removeAt('meta'), expected: invalid('meta') },
  {
    name: 'the wrong page',
    corruption: setAt('meta.current_page', 2),
    expected: invalid(/answered page 2 when asked for page 1/),
  },
  {
    name: 'a last page in words',
    corruption: setAt('meta.last_page', 'many'),
    expected: invalid('meta.last_page'),
  },
  {
    name: 'a goal that is a number',
    corruption: setAt('data.0', 42),
    expected: invalid('data.0'),
  },
  {
    name: 'a malformed uuid',
    corruption: setAt('data.0.uuid', 'not-a-uuid'),
    expected: invalid('data.0.uuid'),
  },
  {
    name: 'a full-width uuid',
    corruption: setAt('data.0.uuid', (uuid: string) =>
      uuid.replace(/[0-9]/g, (digit) => String.fromCharCode(0xff10 + Number(digit))),
    ),
    expected: invalid('data.0.uuid'),
  },
  {
    name: 'a creation time in words',
    corruption: setAt('data.0.created_at', 'yesterday'),
    expected: invalid('data.0.created_at'),
  },
  {
    name: 'a blank name',
    corruption: setAt('data.0.name', '  '),
    expected: invalid('data.0.name'),
  },
  {
    name: 'a name of 5,000 characters',
    corruption: setAt('data.0.name', 'n'.repeat(5000)),
    expected: invalid('title'),
  },
  {
    name: 'an amount with decimals',
    corruption: setAt('data.0.target_amount', { amount: '12.50', currency: 'GBP' }),
    expected: invalid('data.0.target_amount.amount'),
  },
  {
    name: 'an amount in full-width digits',
    corruption: setAt('data.0.target_amount', { amount: '４０００', currency: 'GBP' }),
    expected: invalid('data.0.target_amount.amount'),
  },
  {
    name: 'an unknown currency',
    corruption: setAt('data.0.target_amount', { amount: '4000', currency: 'ZZZ' }),
    expected: invalid('data.0.target_amount.currency'),
  },
  {
    name: 'progress with a percent sign',
    corruption: setAt('data.0.progress', '150%'),
    expected: invalid('data.0.progress'),
  },
  {
    name: 'priority 9',
    corruption: setAt('data.0.priority', '9'),
    expected: invalid('data.0.priority'),
  },
  {
    name: 'an owner that is not a uuid',
    corruption: setAt('data.0.accounts', [{ uuid: 'x' }]),
    expected: invalid('data.0.accounts.0.uuid'),
  },
  {
    name: 'a deadline in words',
    corruption: setAt('data.0.complete_goal_by', 'someday'),
    expected: invalid('data.0.complete_goal_by'),
  },
  {
    name: 'a __proto__ key in a goal',
    corruption: splice('"name":', '"__proto__":{"polluted":true}'),
    expected: protoWarning('data.0.__proto__'),
  },
  {
    name: 'a constructor key in an unknown field',
    corruption: splice('"name":', '"extra":{"constructor":{"prototype":{"polluted":true}}}'),
    expected: unsafeKey('extensions.plannr.extra.extra.constructor'),
  },
  {
    name: 'an unknown field nested 20,000 deep',
    corruption: splice('"name":', `"extra":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`),
    expected: tooDeep('extensions.plannr.extra.extra'),
  },
];

const CAPILLARY_ANSWERS: AnswerCase[] = [
  ...COMMON_ANSWERS,
  { name: 'data null', corruption: setAt('data', null), expected: invalid(/sent no data/) },
  {
    name: 'data as an object',
    corruption: setAt('data', (data: unknown[]) => ({ 0: data[0] })),
    expected: invalid('data'),
  },
  {
    name: 'an error envelope with status 200',
    corruption: {
      text: '{"data":null,"errors":[{"code":310017,"message":"Target group not found"}],"warnings":null}',
    },
    expected: { error: 'NotFoundError', message: /310017/ },
  },
  {
    name: 'a group id in words',
    corruption: setAt('data.0.id', 'abc'),
    expected: invalid('data.0.id'),
  },
  {
    name: 'no group name',
    corruption: removeAt('data.0.name'),
    expected: invalid('data.0.name'),
  },
  {
    name: 'targets that are not a list',
    corruption: setAt('data.0.targets', 'none'),
    expected: invalid('data.0.targets'),
  },
  {
    name: 'a period with a date in words',
    corruption: setAt('data.0.periods.0.startDate', 'soon'),
    expected: invalid('data.0.periods.0.startDate'),
  },
  {
    name: 'a name of 3,000 characters',
    corruption: setAt('data.0.name', 'n'.repeat(3000)),
    expected: invalid('title'),
  },
  {
    name: 'a __proto__ key in a group',
    corruption: setAt('data.0.__proto__', { polluted: true }),
    expected: protoWarning('data.0.__proto__'),
  },
  {
    name: 'a __proto__ key in an unknown field',
    corruption: splice('"fromDate":', '"extra":{"__proto__":{"polluted":true}}'),
    expected: unsafeKey('extensions.capillary.extra.extra.__proto__'),
  },
  {
    name: 'an unknown field nested 20,000 deep',
    corruption: splice('"fromDate":', `"extra":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`),
    expected: tooDeep('extensions.capillary.extra.extra'),
  },
  {
    name: 'a server warning in the envelope',
    corruption: setAt('warnings', [{ message: 'The org is in read-only mode' }]),
    expected: { warning: /read-only mode/, field: '' },
  },
];

const ANSWERS: [ProviderName, AnswerCase[]][] = [
  ['pipedrive', PIPEDRIVE_ANSWERS],
  ['plannr', PLANNR_ANSWERS],
  ['capillary', CAPILLARY_ANSWERS],
];
const ERRORS = { InvalidResponseError, NotFoundError, ValidationError } as const;

describe.each(ANSWERS)('%s answers a listing with', (name, cases) => {
  it.each(cases)('$name', async ({ corruption, expected }) => {
    const warnings: WarningEvent[] = [];
    const { adapter, simulator } = testProvider(name, {
      goals: 3,
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
      wrapFetch: corruptAnswers(
        (request) => request.method === 'GET' && !request.url.includes('currencies'),
        corruption,
      ),
      hooks: { onWarning: (warning) => warnings.push(warning) },
    });
    if ('warning' in expected) {
      expect(await listGoals(adapter)).toHaveLength(3);
      const heard = warnings.find((warning) =>
        expected.warning.test(`${warning.reason} ${warning.detail ?? ''}`),
      );
      expect(heard, JSON.stringify(warnings)).toBeDefined();
      expect(heard?.field).toBe(expected.field);
    } else {
      const error = await rejection(listGoals(adapter));
      expect(ERRORS[expected.error].isInstance(error), `${String(error)}`).toBe(true);
      if (expected.path) expect(issuePaths(error), (error as Error).message).toContain(expected.path);
      if (expected.message) expect((error as Error).message).toMatch(expected.message);
      // Raw answers are kept for diagnosis only cut short.
      expect(((error as InvalidResponseError).body ?? '').length).toBeLessThan(2100);
    }
    expect(writes(simulator)).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
// NDJSON lines: a bad line fails alone, by number and field; the good line beside it is written.

const record = (changes: Record<string, unknown>) =>
  JSON.stringify({
    schema: 'goalbridge/goal@1',
    goal: {
      id: 'g1',
      provider: 'pipedrive',
      title: 'Good goal',
      owners: [],
      measure: { kind: 'money', metric: 'deals_won' },
      target: { value: '10', currency: 'GBP' },
      schedule: { end: '2026-12-31' },
      status: 'active',
      extensions: {},
      ...changes,
    },
  });

const LINES: { name: string; line: string; path: string }[] = [
  { name: 'not JSON', line: 'hello', path: '' },
  { name: 'a truncated object', line: '{"schema":"goalbridge/goal@1","goal":{"title"', path: '' },
  { name: 'a raw 0xFF byte between tokens', line: '{"schema":\u00ff"goalbridge/goal@1"}', path: '' },
  { name: 'JSON null', line: 'null', path: '' },
  { name: 'a JSON array', line: '[]', path: '' },
  { name: 'a JSON number', line: '42', path: '' },
  { name: 'a JSON string', line: '"goal"', path: '' },
  { name: 'an object without a schema', line: '{}', path: 'schema' },
  { name: 'the next schema version', line: record({}).replace('goal@1', 'goal@2'), path: 'schema' },
  { name: 'a numeric schema', line: '{"schema":1,"goal":{}}', path: 'schema' },
  { name: 'no goal', line: '{"schema":"goalbridge/goal@1"}', path: 'goal' },
  { name: 'a null goal', line: '{"schema":"goalbridge/goal@1","goal":null}', path: 'goal' },
  { name: 'a goal that is a list', line: '{"schema":"goalbridge/goal@1","goal":[]}', path: 'goal' },
  { name: 'an empty goal', line: '{"schema":"goalbridge/goal@1","goal":{}}', path: 'goal.title' },
  { name: 'an empty id', line: record({ id: '' }), path: 'goal.id' },
  { name: 'a blank title', line: record({ title: '   ' }), path: 'goal.title' },
  { name: 'a title of zero-width spaces', line: record({ title: '\u200b\u200b' }), path: 'goal.title' },
  { name: 'a title of 5 MB', line: record({ title: 'x'.repeat(5_000_000) }), path: 'goal.title' },
  {
    name: 'an unknown measure kind',
    line: record({ measure: { kind: 'weight', metric: 'kg' } }),
    path: 'goal.measure.kind',
  },
  { name: 'a target in words', line: record({ target: { value: 'ten' } }), path: 'goal.target.value' },
  {
    name: 'a currency on a count goal',
    line: record({ measure: { kind: 'count', metric: 'calls' } }),
    path: 'goal.target.currency',
  },
  {
    name: 'an end before the start',
    line: record({ schedule: { start: '2026-12-31', end: '2026-01-01' } }),
    path: 'goal.schedule.end',
  },
  { name: 'priority 9', line: record({ priority: 9 }), path: 'goal.priority' },
  { name: 'an unknown status', line: record({ status: 'paused' }), path: 'goal.status' },
  {
    name: 'an owner without an id',
    line: record({ owners: [{ type: 'account' }] }),
    path: 'goal.owners.0.id',
  },
  { name: 'a creation time in words', line: record({ createdAt: 'yesterday' }), path: 'goal.createdAt' },
  {
    name: 'a __proto__ key in a goal',
    line: record({}).replace('"title":', '"__proto__":{"polluted":true},"title":'),
    path: 'goal.__proto__',
  },
  {
    name: 'a constructor key in extensions',
    line: record({ extensions: { memory: { constructor: { prototype: { polluted: 1 } } } } }),
    path: 'goal.extensions',
  },
  {
    name: 'extensions nested 20,000 deep',
    line: record({}).replace(
      '"extensions":{}',
      `"extensions":{"memory":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
    ),
    path: 'goal.extensions',
  },
];

describe('NDJSON lines', () => {
  it.each(LINES)('$name: line 2 fails naming "$path", line 1 is written', async ({ line, path }) => {
    const target = testProvider('plannr');
    const input = `${record({})}\n${line}\n`;
    const summary = await importNdjson([input], target.adapter, {
      ...DEFAULTS_FOR.plannr,
      inputName: 'corpus.ndjson',
    });
    expect(summary.counts).toMatchObject({ created: 1, failed: 1 });
    const failure = summary.failures[0];
    expect(failure?.source).toBe('corpus.ndjson:2');
    expect(failure?.reason).toContain(`${path || 'goal'}: `);
    expect(target.simulator.stats.byRoute.get('POST /api/v2/goals')).toBe(1);
    expect((await listGoals(target.adapter)).map((goal) => goal.title)).toEqual(['Good goal']);
  });

  it('stops at the first bad line when asked to, naming it, with nothing after it written', async () => {
    const target = testProvider('plannr');
    const input = `${record({})}\n${LINES[0]?.line}\n${record({ id: 'g2', title: 'Later goal' })}\n`;
    const error = await rejection(
      importNdjson([input], target.adapter, {
        ...DEFAULTS_FOR.plannr,
        stopOnInvalid: true,
        inputName: 'in.ndjson',
      }),
    );
    expect(error).toBeInstanceOf(InvalidLineError);
    expect((error as InvalidLineError).line).toBe(2);
    expect((error as Error).message).toMatch(/^in\.ndjson line 2: /);
    expect((await listGoals(target.adapter)).map((goal) => goal.title)).not.toContain('Later goal');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Owner map and ID map files: a ConfigError or ValidationError naming the file and the entry or line.

const OWNER_MAPS: { name: string; text: string; error: 'ConfigError' | 'ValidationError'; names: RegExp }[] =
  [
    {
      name: 'cut short',
      text: '{"person:1": ',
      error: 'ConfigError',
      names: /is not valid JSON: Unexpected end of JSON input/,
    },
    {
      name: 'a syntax error',
      text: '{\n  "person:1": oops\n}',
      error: 'ConfigError',
      names: /is not valid JSON: Unexpected token 'o'/,
    },
    { name: 'an empty file', text: '', error: 'ConfigError', names: /is not valid JSON/ },
    { name: 'a JSON array', text: '[]', error: 'ValidationError', names: /must be a JSON object/ },
    { name: 'JSON null', text: 'null', error: 'ValidationError', names: /must be a JSON object/ },
    { name: 'a JSON string', text: '"person:1"', error: 'ValidationError', names: /must be a JSON object/ },
    {
      name: 'a key without a colon',
      text: '{"person12": {"type": "account", "id": "a"}}',
      error: 'ValidationError',
      names: /person12/,
    },
    {
      name: 'a key without an id',
      text: '{"person:": {"type": "account", "id": "a"}}',
      error: 'ValidationError',
      names: /person:/,
    },
    {
      name: 'a value without an id',
      text: '{"person:1": {"type": "account"}}',
      error: 'ValidationError',
      names: /person:1\.id/,
    },
    {
      name: 'a value with an empty type',
      text: '{"person:1": {"type": "", "id": "a"}}',
      error: 'ValidationError',
      names: /person:1\.type/,
    },
    {
      name: 'a value with an unknown field',
      text: '{"person:1": {"type": "account", "id": "a", "role": "x"}}',
      error: 'ValidationError',
      names: /person:1\.role/,
    },
    { name: 'a null value', text: '{"person:1": null}', error: 'ValidationError', names: /person:1/ },
    {
      name: 'an id over 256 characters',
      text: `{"person:1": {"type": "account", "id": "${'a'.repeat(257)}"}}`,
      error: 'ValidationError',
      names: /person:1\.id/,
    },
    {
      name: 'a __proto__ key',
      text: '{"__proto__": {"type": "account", "id": "a"}}',
      error: 'ValidationError',
      names: /__proto__/,
    },
    {
      name: 'a __proto__ key in a value',
      text: '{"person:1": {"type": "account", "id": "a", "__proto__": {"polluted": true}}}',
      error: 'ValidationError',
      names: /person:1\.__proto__/,
    },
  ];

describe('owner map files', () => {
  it.each(OWNER_MAPS)('$name: a $error naming the file and entry', async ({ text, error: kind, names }) => {
    const path = join(dir, `owners-${OWNER_MAPS.findIndex((c) => c.text === text)}.json`);
    writeFileSync(path, text);
    const error = await rejection(readOwnerMapFile(path));
    expect((kind === 'ConfigError' ? ConfigError : ValidationError).isInstance(error), String(error)).toBe(
      true,
    );
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(names);
    // The same rules hold for a map given as data.
    if (kind === 'ValidationError') expect(() => parseOwnerMap(JSON.parse(text))).toThrow(ValidationError);
  });
});

const entry = (changes: Record<string, unknown> = {}) =>
  JSON.stringify({
    v: 1,
    source: 'pipedrive:1',
    target: 'plannr',
    state: 'done',
    targetId: 't1',
    at: '2026-01-01T00:00:00Z',
    ...changes,
  });

const ID_MAPS: { name: string; text: string; line: number }[] = [
  { name: 'garbage', text: 'garbage\n', line: 1 },
  { name: 'garbage after a good line', text: `${entry()}\ngarbage\n`, line: 2 },
  { name: 'an empty object', text: '{}\n', line: 1 },
  { name: 'JSON null', text: 'null\n', line: 1 },
  { name: 'a JSON array', text: '[]\n', line: 1 },
  { name: 'a newer format version', text: `${entry({ v: 2 })}\n`, line: 1 },
  { name: 'an unknown state', text: `${entry({ state: 'weird' })}\n`, line: 1 },
  { name: 'an empty target id', text: `${entry({ targetId: '' })}\n`, line: 1 },
  { name: 'an empty source', text: `${entry({ source: '' })}\n`, line: 1 },
  { name: 'an unknown field', text: `${entry({ extra: 1 })}\n`, line: 1 },
  {
    name: 'a __proto__ key',
    text: `${entry().replace('"v":1', '"__proto__":{"polluted":true},"v":1')}\n`,
    line: 1,
  },
  { name: 'a byte order mark', text: `\ufeff${entry()}\n`, line: 1 },
  // Unterminated, yet no piece of an entry: another file given as the map, never to be rewritten.
  { name: 'an owner map without a final newline', text: '{"person:1":{"type":"account","id":"a"}}', line: 1 },
  { name: 'garbage after a good line, unterminated', text: `${entry()}\ngarbage`, line: 2 },
];

describe('ID map files', () => {
  it.each(ID_MAPS)('$name: a ConfigError naming the file and line $line', async ({ text, line }) => {
    const path = join(dir, `ids-${ID_MAPS.findIndex((c) => c.text === text)}.jsonl`);
    writeFileSync(path, text);
    const error = await rejection(FileIdMapStore.open(path));
    expect(ConfigError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toBe(
      `ID map ${path} line ${line} is not a valid entry; fix or remove that line`,
    );
    // The lock is released: the file can be fixed and opened again.
    writeFileSync(path, `${entry()}\n`);
    await (await FileIdMapStore.open(path)).close();
  });

  it.each([
    {
      name: 'a folder',
      path: () => join(dir, 'a-folder'),
      message: /^ID map .*a-folder is not a regular file$/,
    },
    {
      name: 'a file in a missing folder',
      path: () => join(dir, 'missing', 'ids.jsonl'),
      message: /^cannot create ID map .*missing\/ids\.jsonl: ENOENT$/,
    },
  ])('$name: a ConfigError naming it', async ({ path, message }) => {
    mkdirSync(join(dir, 'a-folder'), { recursive: true });
    const error = await rejection(FileIdMapStore.open(path()));
    expect(ConfigError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

// ---------------------------------------------------------------------------------------------------------
// CLI flags and settings: exit code 2 and a message naming the flag, variable or file; nothing written.

let sandboxes: {
  pipedrive: Simulator;
  plannr: Simulator;
  capillary: Simulator;
  env: Record<string, string>;
  close: () => Promise<void>;
};

beforeAll(async () => {
  const pipedrive = await startPipedriveSandbox({
    plan: 'ultimate',
    dataset: generatePipedriveDataset({ goals: 5 }),
  });
  const plannr = await startPlannrSandbox();
  const capillary = createCapillarySimulator();
  const capillaryServer = await capillary.listen();
  sandboxes = {
    pipedrive: pipedrive.simulator,
    plannr: plannr.simulator,
    capillary,
    env: {
      PIPEDRIVE_BASE_URL: pipedrive.baseURL,
      PIPEDRIVE_API_TOKEN: PIPEDRIVE_SANDBOX.apiToken,
      PLANNR_BASE_URL: plannr.baseURL,
      PLANNR_ACCESS_TOKEN: PLANNR_SANDBOX.accessToken,
      PLANNR_ACCOUNT_UUID: PLANNR_SANDBOX.accountUuid,
      CAPILLARY_BASE_URL: capillaryServer.url,
      CAPILLARY_USERNAME: CAPILLARY_SANDBOX.basic.username,
      CAPILLARY_PASSWORD: CAPILLARY_SANDBOX.basic.password,
    },
    close: async () => {
      await Promise.all([pipedrive.close(), plannr.close(), capillaryServer.close()]);
    },
  };
  writeFileSync(join(dir, 'owners-array.json'), '[]');
  writeFileSync(join(dir, 'state-bad.json'), '{"bookmarks": 3}');
  writeFileSync(join(dir, 'keep.jsonl'), '');
  symlinkSync(join(dir, 'keep.jsonl'), join(dir, 'keep-link.jsonl'));
  const bookmark = { bookmarks: { goals: { updatedAt: '2026-01-01T00:00:00.000Z' } } };
  writeFileSync(join(dir, 'state-message.json'), JSON.stringify({ type: 'STATE', value: bookmark }));
}, 30_000);
afterAll(async () => {
  await sandboxes?.close();
});

function cli(argv: string[], env: Record<string, string | undefined>) {
  return runInProcess(argv, { env, cwd: dir });
}

const MIGRATE = ['migrate', '--from', 'pipedrive', '--to', 'plannr'];
interface CliCase {
  name: string;
  argv: string[];
  env?: Record<string, string | undefined>;
  names: RegExp;
}

const FLAGS: CliCase[] = [
  { name: 'no command', argv: [], names: /Usage: goalbridge <command>/ },
  { name: 'an unknown command', argv: ['frobnicate'], names: /unknown command "frobnicate"/ },
  { name: 'no --from', argv: ['migrate', '--to', 'plannr'], names: /--from is required/ },
  {
    name: 'an unknown provider',
    argv: ['migrate', '--from', 'salesforce', '--to', 'plannr'],
    names: /unknown provider "salesforce" for --from/,
  },
  { name: 'an unknown flag', argv: [...MIGRATE, '--colour'], names: /Unknown option '--colour'/ },
  { name: 'a stray argument', argv: [...MIGRATE, 'now'], names: /unexpected argument "now"/ },
  { name: 'a flag without its value', argv: [...MIGRATE, '--concurrency'], names: /--concurrency/ },
  {
    name: '--concurrency 0',
    argv: [...MIGRATE, '--concurrency', '0'],
    names: /--concurrency must be a whole number from 1 to 64/,
  },
  {
    name: '--concurrency 65',
    argv: [...MIGRATE, '--concurrency', '65'],
    names: /--concurrency must be a whole number from 1 to 64/,
  },
  {
    name: '--concurrency 1.5',
    argv: [...MIGRATE, '--concurrency', '1.5'],
    names: /--concurrency must be a whole number/,
  },
  {
    name: '--concurrency in words',
    argv: [...MIGRATE, '--concurrency', 'four'],
    names: /--concurrency must be a whole number/,
  },
  {
    name: '--concurrency in full-width digits',
    argv: [...MIGRATE, '--concurrency', '４'],
    names: /--concurrency must be a whole number/,
  },
  {
    name: '--conflict merge',
    argv: [...MIGRATE, '--conflict', 'merge'],
    names: /--conflict must be one of update, skip, fail/,
  },
  {
    name: '--currency EURO',
    argv: [...MIGRATE, '--currency', 'EURO'],
    names: /--currency must be an ISO 4217 code/,
  },
  {
    name: '--start-date February 30th',
    argv: [...MIGRATE, '--start-date', '2026-02-30'],
    names: /--start-date must be YYYY-MM-DD/,
  },
  {
    name: '--start-date tomorrow',
    argv: [...MIGRATE, '--start-date', 'tomorrow'],
    names: /--start-date must be YYYY-MM-DD/,
  },
  {
    name: '--recurrence hourly',
    argv: [...MIGRATE, '--recurrence', 'hourly'],
    names: /--recurrence must be one of/,
  },
  {
    name: '--default-owner without a colon',
    argv: [...MIGRATE, '--default-owner', 'account'],
    names: /--default-owner must be TYPE:ID/,
  },
  {
    name: '--default-owner without a type',
    argv: [...MIGRATE, '--default-owner', ':abc'],
    names: /--default-owner must be TYPE:ID/,
  },
  {
    name: '--default-owner without an id',
    argv: [...MIGRATE, '--default-owner', 'account:'],
    names: /--default-owner must be TYPE:ID/,
  },
  {
    name: 'a missing owner map',
    argv: [...MIGRATE, '--owner-map', 'nope.json'],
    names: /cannot read .*nope\.json: ENOENT/,
  },
  {
    name: 'an owner map that is a list',
    argv: [...MIGRATE, '--owner-map', 'owners-array.json'],
    names: /owners-array\.json.*must be a JSON object/,
  },
  ...(
    [
      ['--out naming the ID map', './keep.jsonl'],
      ['--out naming the ID map through a link', 'keep-link.jsonl'],
    ] as const
  ).map(([name, out]) => ({
    name,
    argv: ['plan', '--from', 'pipedrive', '--to', 'plannr', '--id-map', 'keep.jsonl', '--out', out],
    names: /--out and --id-map name the same file \(.*keep(-link)?\.jsonl\); give each its own/,
  })),
  {
    name: '--id-map naming the input',
    argv: ['import', '--to', 'plannr', '--in', 'goals.ndjson', '--id-map', 'goals.ndjson'],
    names: /--in and --id-map name the same file/,
  },
  {
    name: '--out in a folder that is a file',
    argv: ['export', '--from', 'plannr', '--out', 'owners-array.json/goals.ndjson'],
    names: /cannot write .*owners-array\.json\/goals\.ndjson: ENOTDIR/,
  },
  {
    name: 'an ID map in a missing folder',
    argv: [...MIGRATE, '--id-map', 'missing/ids.jsonl'],
    names: /cannot create ID map .*missing\/ids\.jsonl: ENOENT/,
  },
  {
    name: 'an export format csv',
    argv: ['export', '--from', 'pipedrive', '--format', 'csv'],
    names: /--format must be one of ndjson, singer/,
  },
  {
    name: '--state with NDJSON',
    argv: ['export', '--from', 'pipedrive', '--state', 'state-bad.json'],
    names: /--state applies to --format singer only/,
  },
  {
    name: 'a missing state file',
    argv: ['export', '--from', 'pipedrive', '--format', 'singer', '--state', 'nope.json'],
    names: /cannot read .*nope\.json: ENOENT/,
  },
  {
    name: 'a state that is not a Singer state',
    argv: ['export', '--from', 'pipedrive', '--format', 'singer', '--state', 'state-bad.json'],
    names: /expected a Singer state value/,
  },
  {
    name: 'a whole STATE message as the state',
    argv: ['export', '--from', 'pipedrive', '--format', 'singer', '--state', 'state-message.json'],
    names: /type: a whole STATE message: give its "value"/,
  },
  {
    name: 'an export into a missing folder',
    argv: ['export', '--from', 'pipedrive', '--out', 'missing/goals.ndjson'],
    names: /cannot write .*missing\/goals\.ndjson: ENOENT/,
  },
  {
    name: 'a plan written into a missing folder',
    argv: ['plan', '--from', 'pipedrive', '--to', 'plannr', '--out', 'missing/plan.json'],
    names: /cannot write .*missing\/plan\.json: ENOENT/,
  },
  {
    name: '--limit 0',
    argv: ['list', '--from', 'pipedrive', '--limit', '0'],
    names: /--limit must be a whole number/,
  },
  { name: 'an import without --in', argv: ['import', '--to', 'plannr'], names: /import: --in is required/ },
  {
    name: 'an import of a missing file',
    argv: ['import', '--to', 'plannr', '--in', 'nope.ndjson'],
    names: /cannot read .*nope\.ndjson: ENOENT/,
  },
];

const SETTINGS: CliCase[] = [
  {
    name: 'no Plannr token',
    argv: MIGRATE,
    env: { PLANNR_ACCESS_TOKEN: undefined },
    names: /set PLANNR_ACCESS_TOKEN \(or --plannr-access-token\)/,
  },
  {
    name: 'no Pipedrive credentials',
    argv: MIGRATE,
    env: { PIPEDRIVE_API_TOKEN: undefined },
    names: /PIPEDRIVE_API_TOKEN .*or PIPEDRIVE_ACCESS_TOKEN/,
  },
  {
    name: 'two Pipedrive credentials',
    argv: MIGRATE,
    env: { PIPEDRIVE_ACCESS_TOKEN: 'other-token-1234' },
    names:
      /either PIPEDRIVE_API_TOKEN \(--pipedrive-api-token\) or PIPEDRIVE_ACCESS_TOKEN \(--pipedrive-access-token\), not both/,
  },
  {
    name: 'PIPEDRIVE_SEATS in words',
    argv: MIGRATE,
    env: { PIPEDRIVE_SEATS: 'ten' },
    names: /PIPEDRIVE_SEATS must be a positive whole number/,
  },
  {
    name: 'an unknown PIPEDRIVE_PLAN',
    argv: MIGRATE,
    env: { PIPEDRIVE_PLAN: 'mega' },
    names: /PIPEDRIVE_PLAN must be one of/,
  },
  {
    name: 'an unknown PIPEDRIVE_DEFAULT_INTERVAL',
    argv: MIGRATE,
    env: { PIPEDRIVE_DEFAULT_INTERVAL: 'hourly' },
    names: /PIPEDRIVE_DEFAULT_INTERVAL must be one of/,
  },
  {
    name: 'a PIPEDRIVE_BASE_URL that is not a URL',
    argv: MIGRATE,
    env: { PIPEDRIVE_BASE_URL: 'not a url' },
    names: /PIPEDRIVE_BASE_URL \(--pipedrive-base-url\): must be an http\(s\) URL/,
  },
  {
    name: 'a company domain and a base URL',
    argv: MIGRATE,
    env: { PIPEDRIVE_COMPANY_DOMAIN: 'acme' },
    names:
      /either PIPEDRIVE_COMPANY_DOMAIN \(--pipedrive-company-domain\) or PIPEDRIVE_BASE_URL \(--pipedrive-base-url\), not both/,
  },
  {
    name: 'a PLANNR_ACCOUNT_UUID that is not a UUID',
    argv: MIGRATE,
    env: { PLANNR_ACCOUNT_UUID: 'me' },
    names: /PLANNR_ACCOUNT_UUID \(--plannr-account-uuid\): /,
  },
  {
    name: 'an unknown CAPILLARY_CLUSTER',
    argv: ['list', '--from', 'capillary'],
    env: { CAPILLARY_BASE_URL: undefined, CAPILLARY_CLUSTER: 'mars' },
    names: /CAPILLARY_CLUSTER must be one of/,
  },
  {
    name: 'a CAPILLARY_CLUSTER named like an Object member',
    argv: ['list', '--from', 'capillary'],
    env: { CAPILLARY_BASE_URL: undefined, CAPILLARY_CLUSTER: 'constructor' },
    names: /CAPILLARY_CLUSTER must be one of/,
  },
  {
    name: 'both Capillary auth kinds',
    argv: ['list', '--from', 'capillary'],
    env: { CAPILLARY_KEY: 'key', CAPILLARY_SECRET: 'secret-1234' },
    names:
      /either CAPILLARY_USERNAME \(--capillary-username\) or CAPILLARY_KEY \(--capillary-key\), not both/,
  },
  {
    name: 'a Capillary key without a secret',
    argv: ['list', '--from', 'capillary'],
    env: { CAPILLARY_USERNAME: undefined, CAPILLARY_PASSWORD: undefined, CAPILLARY_KEY: 'key' },
    names: /set CAPILLARY_SECRET/,
  },
  {
    name: 'a negative CAPILLARY_TILL_ID',
    argv: ['list', '--from', 'capillary'],
    env: { CAPILLARY_TILL_ID: '-3' },
    names: /CAPILLARY_TILL_ID must be a positive whole number/,
  },
  ...['0x10', '1e3', ' 7', '2.0'].map((seats) => ({
    name: `PIPEDRIVE_SEATS "${seats}"`,
    argv: MIGRATE,
    env: { PIPEDRIVE_SEATS: seats },
    names: /PIPEDRIVE_SEATS must be a positive whole number/,
  })),
  {
    name: 'CAPILLARY_REQUESTS_PER_MINUTE beyond 2^53',
    argv: ['list', '--from', 'capillary'],
    env: { CAPILLARY_REQUESTS_PER_MINUTE: '99999999999999999999999' },
    names: /CAPILLARY_REQUESTS_PER_MINUTE must be a positive whole number/,
  },
  {
    name: 'CAPILLARY_REQUESTS_PER_MINUTE 0',
    argv: ['list', '--from', 'capillary'],
    env: { CAPILLARY_REQUESTS_PER_MINUTE: '0' },
    names: /CAPILLARY_REQUESTS_PER_MINUTE must be a positive whole number/,
  },
  {
    name: 'a Pipedrive token with a line break',
    argv: MIGRATE,
    env: { PIPEDRIVE_API_TOKEN: 'tok\nen-000' },
    names:
      /PIPEDRIVE_API_TOKEN \(--pipedrive-api-token\): must not contain line breaks or other control characters/,
  },
  {
    name: 'a Pipedrive token the server refuses',
    argv: MIGRATE,
    env: { PIPEDRIVE_API_TOKEN: 'wrong-token-000' },
    names: /HTTP 401/,
  },
];

describe('CLI flags and settings', () => {
  it.each([...FLAGS, ...SETTINGS.map((setting) => ({ ...setting, name: `${setting.name} (settings)` }))])(
    '$name: exit 2, naming it, nothing written',
    async (flagCase) => {
      const before = [sandboxes.pipedrive, sandboxes.plannr, sandboxes.capillary].map(writes);
      const env = { ...sandboxes.env, ...flagCase.env };
      const result = await cli(flagCase.argv, env);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr || result.stdout).toMatch(flagCase.names);
      expect([sandboxes.pipedrive, sandboxes.plannr, sandboxes.capillary].map(writes)).toEqual(before);
    },
  );

  it('makes no ID map for an import whose input cannot be read', async () => {
    const ids = join(dir, 'never-made.jsonl');
    const result = await cli(['import', '--to', 'plannr', '--in', 'absent.ndjson', '--id-map', ids], {
      ...sandboxes.env,
    });
    expect([result.code, result.stdout, existsSync(ids)]).toEqual([2, '', false]);
    expect(result.stderr).toMatch(/cannot read .*absent\.ndjson: ENOENT/);
  });

  it('leaves a file named twice as it was: an ID map plan --out would have written over', async () => {
    const path = join(dir, 'keep.jsonl');
    const map = `${entry({ target: 'pipedrive' })}\n`;
    writeFileSync(path, map);
    const plan = ['plan', '--from', 'plannr', '--to', 'pipedrive', '--id-map', path];
    // The map itself is sound: planning with it works.
    expect((await cli(plan, { ...sandboxes.env })).code).not.toBe(2);
    const result = await cli([...plan, '--out', path], { ...sandboxes.env });
    expect([result.code, readFileSync(path, 'utf8')]).toEqual([2, map]);
  });
});
