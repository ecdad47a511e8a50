import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConfigError,
  ConflictError,
  GoalbridgeError,
  InvalidResponseError,
  NotFoundError,
  PartialWriteError,
  PermissionError,
  RateLimitError,
  refusalIssues,
  spentDailyBudget,
  TimeoutError,
  TransientError,
  UnsupportedError,
  ValidationError,
} from '../src/errors.ts';

describe('error family', () => {
  const cases = [
    [new ConfigError('x'), 'config', false],
    [new AuthError('x'), 'auth', false],
    [new PermissionError('x'), 'permission', false],
    [new NotFoundError('x'), 'not_found', false],
    [new ValidationError([{ path: 'title', message: 'bad' }]), 'validation', false],
    [new ConflictError('x'), 'conflict', false],
    [new RateLimitError('x', { kind: 'burst' }), 'rate_limit', true],
    [new RateLimitError('x', { kind: 'daily', resetAt: new Date(0) }), 'rate_limit', false],
    [new UnsupportedError('x'), 'unsupported', false],
    [new TransientError('x'), 'transient', true],
    [new TimeoutError('x'), 'timeout', true],
    [new InvalidResponseError('x', { body: '<html>' }), 'invalid_response', false],
  ] as const;

  it.each(cases)('%s has a stable code and retryability', (error, code, retryable) => {
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.name).toBe(error.constructor.name);
    expect(GoalbridgeError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(Error);
  });

  it('subclass guards check the code', () => {
    const notFound = new NotFoundError('gone', { status: 404, provider: 'pipedrive', requestId: 'r1' });
    expect(NotFoundError.isInstance(notFound)).toBe(true);
    expect(RateLimitError.isInstance(notFound)).toBe(false);
    expect(notFound.toJSON()).toMatchObject({
      code: 'not_found',
      status: 404,
      provider: 'pipedrive',
      requestId: 'r1',
    });
  });

  it('recognises errors from another copy of the library by their marker', () => {
    // What a duplicate install's error looks like to this copy: same marker, different class.
    const foreign = Object.assign(new Error('other copy'), {
      [Symbol.for('goalbridge.error')]: true,
      code: 'not_found',
    });
    expect(foreign instanceof GoalbridgeError).toBe(false);
    expect(GoalbridgeError.isInstance(foreign)).toBe(true);
    expect(NotFoundError.isInstance(foreign)).toBe(true);
    expect(AuthError.isInstance(foreign)).toBe(false);
    expect(GoalbridgeError.isInstance(new Error('plain'))).toBe(false);
    expect(GoalbridgeError.isInstance(null)).toBe(false);
    expect(GoalbridgeError.isInstance('not_found')).toBe(false);
  });

  it('lists every validation issue in the message', () => {
    const error = new ValidationError(
      [
        { path: 'title', message: 'must not be empty' },
        { path: 'target.value', message: 'must not be negative' },
      ],
      { subject: 'goal' },
    );
    expect(error.message).toBe('invalid goal: title: must not be empty; target.value: must not be negative');
    expect(error.toJSON()).toMatchObject({ issues: error.issues });
  });

  it('names the field of an unsupported change, when there is one', () => {
    const error = new UnsupportedError('cannot change the KPI', { provider: 'capillary', field: 'measure' });
    expect(error.field).toBe('measure');
    expect(error.toJSON()).toMatchObject({ code: 'unsupported', field: 'measure', provider: 'capillary' });
    expect(new UnsupportedError('no deletes').field).toBeUndefined();
    expect(new UnsupportedError('no deletes').toJSON()).not.toHaveProperty('field');
  });

  it('reads a refusal as issues: validation issues, or the unsupported change on its field', () => {
    const issues = [{ path: 'title', message: 'too long' }];
    expect(refusalIssues(new ValidationError(issues))).toEqual(issues);
    expect(refusalIssues(new UnsupportedError('cannot move it', { field: 'schedule.periods' }))).toEqual([
      { path: 'schedule.periods', message: 'cannot move it' },
    ]);
    expect(refusalIssues(new UnsupportedError('cannot delete'))).toEqual([
      { path: '', message: 'cannot delete' },
    ]);
    expect(refusalIssues(new TransientError('503'))).toBeUndefined();
    expect(refusalIssues(new Error('bug'))).toBeUndefined();
  });

  it('describes a rate limit with its kind and reset', () => {
    const error = new RateLimitError('spent', { kind: 'daily', resetAt: new Date('2025-01-02T00:00:00Z') });
    expect(error.toJSON()).toMatchObject({
      kind: 'daily',
      resetAt: '2025-01-02T00:00:00.000Z',
      retryable: false,
    });
  });

  it('marks writes whose outcome is unknown', () => {
    expect(new TimeoutError('t', { outcomeUnknown: true }).outcomeUnknown).toBe(true);
    expect(new TransientError('t').outcomeUnknown).toBe(false);
  });

  it('names the steps a partial write took, keeping the failure as its cause', () => {
    const cause = new TransientError('503');
    const error = new PartialWriteError('renamed, then failed', {
      written: ['rename'],
      retryable: cause.retryable,
      cause,
    });
    expect(error.cause).toBe(cause);
    expect(PartialWriteError.isInstance(error)).toBe(true);
    expect(error.toJSON()).toMatchObject({ code: 'partial_write', written: ['rename'], retryable: true });
    expect(spentDailyBudget(error)).toBeUndefined();
    const daily = new RateLimitError('spent', { kind: 'daily' });
    expect(spentDailyBudget(new PartialWriteError('x', { written: ['rename'], cause: daily }))).toBe(daily);
    expect(spentDailyBudget(daily)).toBe(daily);
  });
});
