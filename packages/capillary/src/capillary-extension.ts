/**
 * `extensions.capillary`: what a target group holds that the Goal has no field for, so a read group can be
 * written back unchanged. Settings that equal what the adapter would send anyway are left out, which keeps
 * goals read from Capillary small; `null` records that the group did not have the field at all.
 */
import { DecimalSchema } from '@goalbridge/core';
import * as z from 'zod';
import {
  COMBINATION_TYPES,
  ENROLMENT_METHODS,
  EVALUATION_TYPES,
  FILTER_ENTITY_TYPES,
  FREQUENCY_TYPES,
  MAX_NAME_LENGTH,
  TRACKING_TYPES,
} from './capillary-api.ts';

const jsonObject = z.record(z.string(), z.unknown());
const name = z
  .string()
  .max(MAX_NAME_LENGTH, 'must be at most 200 characters')
  .refine((value) => value.trim() !== '', 'must not be empty or blank');

/** `measure.scope`: the KPI rule of a target, as Capillary names its fields. */
export const CapillaryScopeSchema = z.strictObject({
  eventName: z.string().min(1).nullable().optional(),
  expression: z.union([z.string(), z.boolean()]).nullable().optional(),
  expressionJson: z.string().nullable().optional(),
  filters: z
    .array(
      z.looseObject({
        entityType: z.enum(FILTER_ENTITY_TYPES),
        entityIds: z.array(z.union([z.number().int(), z.string()])),
      }),
    )
    .nullable()
    .optional(),
  extendedFieldInfo: jsonObject.nullable().optional(),
});

/** A target's own settings (not what it measures). `id` and `emfRuleSetId` are read-only. */
const targetDetails = {
  id: z.number().int().optional(),
  emfRuleSetId: z.number().int().optional(),
  name: name.optional(),
  description: z.string().nullable().optional(),
  active: z.boolean().nullable().optional(),
  enrolmentMethod: z.enum(ENROLMENT_METHODS).nullable().optional(),
  milestoneTriggers: z.array(jsonObject).optional(),
  extra: jsonObject.optional(),
};

export const CapillaryTargetDetailsSchema = z.strictObject(targetDetails);

/** A second, third, ... target of the group: its KPI, its value per period (by period `ref`) and settings. */
export const CapillaryAdditionalTargetSchema = z.strictObject({
  ...targetDetails,
  metric: z.string(),
  scope: CapillaryScopeSchema.optional(),
  values: z.record(z.string(), DecimalSchema),
});

export const CapillaryPeriodDetailsSchema = z.strictObject({
  description: z.string().nullable().optional(),
  active: z.boolean().optional(),
  extra: jsonObject.optional(),
});

export const CapillaryStreakDetailsSchema = z.strictObject({
  id: z.number().int().optional(),
  name,
  targetCountOfSequence: z.number().int().min(1),
  extra: jsonObject.optional(),
});

export const CapillaryExtensionSchema = z.strictObject({
  trackingType: z
    .enum([...TRACKING_TYPES, 'STREAK'])
    .nullable()
    .optional(),
  targetEvaluationType: z.enum(EVALUATION_TYPES).nullable().optional(),
  frequencyType: z.enum(FREQUENCY_TYPES).nullable().optional(),
  // Ranges are what the API answers, so a read group writes back: the docs' groups have frequency -10,
  // recurringCycles -1 and 0 (reference §2.1), and preferredTillId 0 and -1 (get-target-groups-all).
  frequency: z.number().int().nullable().optional(),
  recurringCycles: z.number().int().min(-1).max(100).nullable().optional(),
  totalPeriods: z.number().int().min(0).nullable().optional(),
  /** Any id JSON holds exactly: one beyond 2^53 was rounded on reading and is refused. */
  preferredTillId: z.number().int().nullable().optional(),
  userCreated: z.boolean().nullable().optional(),
  leaderboardEnabled: z.boolean().nullable().optional(),
  timeZoneName: z.string().min(1).nullable().optional(),
  combinationType: z.enum(COMBINATION_TYPES).nullable().optional(),
  unifiedTargetExpression: jsonObject.nullable().optional(),
  streaks: z.array(CapillaryStreakDetailsSchema).nullable().optional(),
  target: CapillaryTargetDetailsSchema.optional(),
  additionalTargets: z.array(CapillaryAdditionalTargetSchema).max(49).optional(),
  /** Period settings by period `ref`, only where they differ from the defaults (description "", active). */
  periods: z.record(z.string(), CapillaryPeriodDetailsSchema).optional(),
  /** Who created and last changed the group, as Capillary answered it. Read only: the server owns it. */
  attribution: jsonObject.nullable().optional(),
  /** Unknown group fields, kept verbatim and sent back. */
  extra: jsonObject.optional(),
});

export type CapillaryScope = z.output<typeof CapillaryScopeSchema>;
export type CapillaryTargetDetails = z.output<typeof CapillaryTargetDetailsSchema>;
export type CapillaryAdditionalTarget = z.output<typeof CapillaryAdditionalTargetSchema>;
export type CapillaryPeriodDetails = z.output<typeof CapillaryPeriodDetailsSchema>;
export type CapillaryStreakDetails = z.output<typeof CapillaryStreakDetailsSchema>;
export type CapillaryExtension = z.output<typeof CapillaryExtensionSchema>;

/**
 * How a field with a default is kept: left out when it equals the default, `null` when the payload did not
 * have it, the value otherwise.
 */
export function keepUnlessDefault<T>(value: T | null | undefined, fallback: T): T | null | undefined {
  if (value === undefined || value === null) return null;
  return value === fallback ? undefined : value;
}

/** The value to send for a field kept by {@link keepUnlessDefault}: `undefined` means "do not send". */
export function restoreDefault<T>(kept: T | null | undefined, fallback: T): T | undefined {
  if (kept === null) return undefined;
  return kept === undefined ? fallback : kept;
}
