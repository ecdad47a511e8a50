/**
 * What Pipedrive refuses, checked before any request and reported on Goal field paths (reference §1.2,
 * §1.6). Things Pipedrive merely cannot hold are warnings from the mappers, not issues here.
 */
import type { GoalInput, Measure, Target, ValidationIssue } from '@goalbridge/core';
import type { GoalFields } from './map-pipedrive-goal.ts';
import {
  PIPEDRIVE_ASSIGNEE_TYPES,
  PIPEDRIVE_GOAL_TYPES,
  PIPEDRIVE_INTERVALS,
  type PipedriveInterval,
  PROVIDER,
  STAGE_GOAL_TYPE,
} from './pipedrive-api.ts';
import { extensionIssues, readPipedriveExtensions } from './pipedrive-extensions.ts';

const SCOPE_KEYS = ['pipelineIds', 'stageId', 'activityTypeIds'];
const POSITIVE_ID = /^[1-9]\d{0,14}$/;

function isId(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function ownerIssues(owners: GoalInput['owners']): ValidationIssue[] {
  const owner = owners[0];
  if (!owner) return [{ path: 'owners', message: 'Pipedrive needs one assignee (person, team or company)' }];
  const issues: ValidationIssue[] = [];
  if (!(PIPEDRIVE_ASSIGNEE_TYPES as readonly string[]).includes(owner.type))
    issues.push({ path: 'owners.0.type', message: `must be one of ${PIPEDRIVE_ASSIGNEE_TYPES.join(', ')}` });
  if (!POSITIVE_ID.test(owner.id))
    issues.push({
      path: 'owners.0.id',
      message: 'must be a positive whole number (a Pipedrive user, team or company id)',
    });
  return issues;
}

function idListIssue(value: unknown, path: string): ValidationIssue[] {
  if (value === null || (Array.isArray(value) && value.every(isId))) return [];
  return [{ path, message: 'must be a list of positive whole ids, or null for all' }];
}

function measureIssues(measure: Measure): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!(PIPEDRIVE_GOAL_TYPES as readonly string[]).includes(measure.metric))
    issues.push({
      path: 'measure.metric',
      message: `Pipedrive goal types are ${PIPEDRIVE_GOAL_TYPES.join(', ')}`,
    });
  const scope = measure.scope ?? {};
  for (const key of Object.keys(scope)) {
    if (!SCOPE_KEYS.includes(key))
      issues.push({
        path: `measure.scope.${key}`,
        message: `not a Pipedrive goal parameter (${SCOPE_KEYS.join(', ')})`,
      });
  }
  if (scope.pipelineIds !== undefined)
    issues.push(...idListIssue(scope.pipelineIds, 'measure.scope.pipelineIds'));
  if (scope.activityTypeIds !== undefined)
    issues.push(...idListIssue(scope.activityTypeIds, 'measure.scope.activityTypeIds'));
  if (scope.stageId !== undefined) {
    // `stage_id` is related to only deals_progressed goals (reference §1.2).
    if (measure.metric !== STAGE_GOAL_TYPE)
      issues.push({ path: 'measure.scope.stageId', message: `only ${STAGE_GOAL_TYPE} goals have a stage` });
    // One stage id; unlike the id lists, null ("all") is not documented for it (§1.2).
    else if (!isId(scope.stageId))
      issues.push({ path: 'measure.scope.stageId', message: 'must be a positive whole stage id' });
  }
  return issues;
}

/** The expected outcome pairs a target with the measure's kind; a sum needs a currency (reference §1.6). */
export function outcomeIssues(
  measure: Measure | undefined,
  target: Target | null | undefined,
  extensions: unknown,
): ValidationIssue[] {
  if (target === null)
    return [{ path: 'target', message: 'Pipedrive goals need an expected outcome (a target)' }];
  if (measure?.kind !== 'money' || !target || target.currency) return [];
  if (readPipedriveExtensions(extensions).currencyId !== undefined) return [];
  return [{ path: 'target.currency', message: 'a Pipedrive sum goal needs a currency' }];
}

function scheduleIssues(
  schedule: GoalInput['schedule'],
  extensions: unknown,
  recurrenceRequired: boolean,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!schedule.start) issues.push({ path: 'schedule.start', message: 'Pipedrive goals need a start date' });
  const recurrence = schedule.recurrence;
  const intervals = PIPEDRIVE_INTERVALS.join(', ');
  if (recurrence === undefined) {
    if (recurrenceRequired)
      issues.push({ path: 'schedule.recurrence', message: `Pipedrive goals need an interval: ${intervals}` });
  } else if (
    !(PIPEDRIVE_INTERVALS as readonly string[]).includes(recurrence) &&
    !(recurrence === 'custom' && readPipedriveExtensions(extensions).interval)
  ) {
    issues.push({ path: 'schedule.recurrence', message: `Pipedrive intervals are ${intervals}` });
  }
  return issues;
}

export interface PipedriveRuleOptions {
  defaultInterval?: PipedriveInterval | undefined;
}

/** Issues a create would be refused for. */
export function pipedriveInputIssues(
  input: GoalInput,
  options: PipedriveRuleOptions = {},
): ValidationIssue[] {
  return [
    ...ownerIssues(input.owners),
    ...measureIssues(input.measure),
    ...outcomeIssues(input.measure, input.target, input.extensions),
    ...scheduleIssues(input.schedule, input.extensions, options.defaultInterval === undefined),
    ...extensionIssues(input.extensions[PROVIDER]),
  ];
}

/**
 * Issues an update would be refused for, as far as the patch alone tells; the adapter checks the outcome
 * again once it knows the current goal.
 */
export function pipedrivePatchIssues(patch: GoalFields): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (patch.owners !== undefined) issues.push(...ownerIssues(patch.owners));
  if (patch.measure !== undefined) issues.push(...measureIssues(patch.measure));
  if (patch.target !== undefined && (patch.target === null || patch.measure !== undefined))
    issues.push(...outcomeIssues(patch.measure, patch.target, patch.extensions));
  if (patch.schedule !== undefined) issues.push(...scheduleIssues(patch.schedule, patch.extensions, false));
  if (patch.extensions !== undefined) issues.push(...extensionIssues(patch.extensions[PROVIDER]));
  return issues;
}

/** A message when `id` cannot be a Pipedrive goal id: 32 hex digits (spec example; Activepieces `assertGoalId`). */
export function checkGoalId(id: string): string | undefined {
  return /^[0-9a-f]{32}$/i.test(id) ? undefined : 'must be a Pipedrive goal id (32 hexadecimal digits)';
}
