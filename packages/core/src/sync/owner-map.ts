/**
 * Owner maps translate who a goal is for between systems: Pipedrive person 12 is Plannr client account
 * `26600f83-…`. Keys are `<provider>:<type>:<id>` (one source system) or `<type>:<id>` (any source); values are
 * owners in the target's vocabulary.
 */
import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { type Owner, OwnerSchema } from '../model/goal.ts';
import { toValidationIssues } from '../model/validate.ts';

export type OwnerMap = ReadonlyMap<string, Owner>;

const KEY = /^(?:[a-z][a-z0-9-]*:)?[A-Za-z][\w-]*:[^:\s]+$/;

const OwnerMapSchema = z.record(
  z.string().regex(KEY, 'must be "<type>:<id>" or "<provider>:<type>:<id>"'),
  OwnerSchema,
);

/** Validates parsed owner-map JSON; a ValidationError names each bad key (`subject` names the file). */
export function parseOwnerMap(value: unknown, subject = 'owner map'): OwnerMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(
      [{ path: '', message: 'must be a JSON object of "<type>:<id>": { type, id }' }],
      {
        subject,
      },
    );
  }
  // z.record would drop a "__proto__" key (JSON.parse keeps it as an own key) without a word.
  if (Object.hasOwn(value, '__proto__')) {
    throw new ValidationError([{ path: '__proto__', message: 'forbidden key' }], { subject });
  }
  const result = OwnerMapSchema.safeParse(value);
  if (!result.success) throw new ValidationError(toValidationIssues(result.error), { subject });
  return new Map(Object.entries(result.data));
}

/** The target owner for a source owner, most specific key first. */
export function lookupOwner(
  map: OwnerMap,
  provider: string,
  owner: Pick<Owner, 'type' | 'id'>,
): Owner | undefined {
  return map.get(`${provider}:${owner.type}:${owner.id}`) ?? map.get(`${owner.type}:${owner.id}`);
}
