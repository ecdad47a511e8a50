/**
 * The progress query every provider checks the same way before any request: a period has both ends, as dates,
 * in order. A provider that has no progress per person, or per period, says why, and the field is refused.
 */
import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { type IsoDate, isIsoDate } from '../model/dates.ts';
import { IsoDateSchema } from '../model/goal.ts';
import { toValidationIssues } from '../model/validate.ts';
import type { ProgressQuery } from './contract.ts';

/** What a provider's progress cannot be asked for: each reason is the message a given field is refused with. */
export interface ProgressQueryLimits {
  provider: string;
  /** Why progress is not per person: a `subject` is refused. */
  noSubject?: string | undefined;
  /** Why progress is not per period: a `period` is refused, whatever its shape. */
  noPeriod?: string | undefined;
}

export interface CheckedProgressQuery {
  period?: { start: IsoDate; end: IsoDate } | undefined;
  subject?: string | undefined;
}

/** A progress period: both ends, in order ("a period with only one end" is refused before any request). */
const progressPeriod = () =>
  z
    .strictObject({ start: IsoDateSchema, end: IsoDateSchema })
    // Compared only when both are dates: an end is not "before" a start that is not a date.
    .refine((period) => !isIsoDate(period.start) || !isIsoDate(period.end) || period.end >= period.start, {
      path: ['end'],
      message: 'must not be before period.start',
    });

/** A field the provider cannot answer for: refused when given at all. */
const refused = (reason: string) => z.undefined({ error: reason }).optional();

function progressQuerySchema(limits: ProgressQueryLimits) {
  return z.strictObject(
    {
      period: limits.noPeriod ? refused(limits.noPeriod) : progressPeriod().optional(),
      subject: limits.noSubject ? refused(limits.noSubject) : z.string().optional(),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'must be an object { period?, subject? }' : undefined,
    },
  );
}

/**
 * The check of one provider's progress queries: the query as checked, or a ValidationError naming each field.
 * Its schema is built on first use, not when a provider module is imported.
 */
export function progressQueryCheck(
  limits: ProgressQueryLimits,
): (query: ProgressQuery) => CheckedProgressQuery {
  let schema: ReturnType<typeof progressQuerySchema> | undefined;
  return (query) => {
    schema ??= progressQuerySchema(limits);
    const result = schema.safeParse(query);
    if (result.success) return result.data as CheckedProgressQuery;
    throw new ValidationError(toValidationIssues(result.error), {
      subject: 'progress query',
      provider: limits.provider,
    });
  };
}
