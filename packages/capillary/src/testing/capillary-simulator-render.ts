/**
 * Stored state → the JSON Capillary answers with: date-only period dates, computed `periodStatus` and
 * `activePeriod`, cycle dates derived from the periods, `createdOn` in epoch milliseconds, attribution
 * timestamps with a `+0530`-style offset (reference §1.3, §4.1 mock rules, seed 004).
 */
import type {
  Actor,
  CapillaryStore,
  StoredAttribution,
  StoredCustomer,
  StoredGroup,
  StoredPeriod,
  StoredTarget,
} from './capillary-simulator-store.ts';

export interface GroupView {
  /** `includePeriods` / `require-periods`. */
  periods: boolean;
  /** List answers carry the org id (reference §4.2). */
  orgId?: number | undefined;
  /** The create answer has no group-level attribution or createdOn (reference §4.1). */
  created?: boolean;
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSSZ` in the cluster's offset, e.g. `2024-02-19T15:41:53.000+0530`. */
export function formatTimestamp(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const hours = String(Math.floor(absolute / 60)).padStart(2, '0');
  const minutes = String(absolute % 60).padStart(2, '0');
  return `${local}${sign}${hours}${minutes}`;
}

function renderActor(actor: Actor) {
  return { id: actor.id, code: actor.code, description: '', name: actor.code, type: 'TILL' };
}

function renderAttribution(attribution: StoredAttribution, store: CapillaryStore) {
  const offset = store.options.utcOffsetMinutes;
  return {
    createdOn: formatTimestamp(attribution.createdOn, offset),
    lastUpdatedOn: formatTimestamp(attribution.lastUpdatedOn, offset),
    lastUpdatedBy: renderActor(attribution.lastUpdatedBy),
    createdBy: renderActor(attribution.createdBy),
  };
}

export function renderPeriod(store: CapillaryStore, period: StoredPeriod, groupId: number) {
  return {
    id: period.id,
    attribution: renderAttribution(period.attribution, store),
    startDate: period.startDate,
    endDate: period.endDate,
    refCode: period.refCode,
    periodStatus: store.periodStatus(period),
    targetGroupId: groupId,
    description: period.description,
    active: period.active,
  };
}

export function renderTarget(store: CapillaryStore, target: StoredTarget, groupId: number) {
  const defaultValues = target.values.map((value) => ({
    id: value.id,
    periodId: value.periodId,
    // JSON.stringify cannot write `1.000`; clients must not rely on the scale (reference §5.4).
    defaultValue: Number(value.value),
  }));
  return {
    id: target.id,
    attribution: renderAttribution(target.attribution, store),
    name: target.name,
    emfRuleSetId: target.emfRuleSetId,
    targetType: target.targetType,
    targetEntity: target.targetEntity,
    eventName: target.eventName,
    targetGroupId: groupId,
    description: target.description,
    active: target.active,
    expression: target.expression,
    expressionJson: target.expressionJson,
    filters: structuredClone(target.filters),
    enrolmentMethod: target.enrolmentMethod,
    defaultValues,
    targetPeriodDefaultValuesMap: Object.fromEntries(
      defaultValues.map((value) => [String(value.periodId), value]),
    ),
    targetMilestoneTriggers: structuredClone(target.triggers),
    extendedFieldInfo: structuredClone(target.extendedFieldInfo),
  };
}

/** The group as get, list, create and edit answer it. */
export function renderGroup(store: CapillaryStore, group: StoredGroup, view: GroupView) {
  const starts = group.periods.map((period) => period.startDate).sort();
  const ends = group.periods.map((period) => period.endDate).sort();
  const first = starts[0];
  const last = ends.at(-1);
  const running = group.periods.find((period) => store.periodStatus(period) === 'RUNNING');
  return {
    id: group.id,
    attribution: view.created ? undefined : renderAttribution(group.attribution, store),
    orgId: view.orgId,
    name: group.name,
    fromDate: first,
    toDate: last,
    active: group.active,
    preferredTillId: group.preferredTillId,
    periods: view.periods ? group.periods.map((period) => renderPeriod(store, period, group.id)) : undefined,
    streaks: group.streaks?.map((streak) => ({
      id: streak.id,
      attribution: renderAttribution(streak.attribution, store),
      targetGroupId: group.id,
      name: streak.name,
      targetCountOfSequence: streak.targetCountOfSequence,
    })),
    activePeriod: running ? renderPeriod(store, running, group.id) : undefined,
    totalPeriods: group.totalPeriods,
    description: group.description,
    targetEvaluationType: group.targetEvaluationType,
    recurringCycles: group.recurringCycles,
    frequency: group.frequency,
    // Derived from the periods: min start at midnight, max end at 23:59:59 UTC (reference §4.1 mock rules).
    targetCycleStartDate: first ? `${first}T00:00:00.000Z` : undefined,
    targetCycleEndDate: last ? `${last}T23:59:59.000Z` : undefined,
    frequencyType: group.frequencyType,
    trackingType: group.trackingType,
    createdOn: view.created ? undefined : group.createdOn,
    targets: group.targets.map((target) => renderTarget(store, target, group.id)),
    combinationType: group.combinationType,
    unifiedTargetExpression: structuredClone(group.unifiedTargetExpression),
    leaderboardEnabled: group.leaderboardEnabled,
    userCreated: group.userCreated,
    timeZoneName: group.timeZoneName,
  };
}

export interface UserTargetQuery {
  /** false: only the current period; true: every period (reference §4.10). */
  includeInactive: boolean;
  /** A target id or a target group id. */
  targetRuleId: number | undefined;
  orgId: number;
}

/** `GET /v3/users/{userId}/targetGroups`: the customer's groups with one row per target and period. */
export function renderUserTargetGroups(
  store: CapillaryStore,
  customer: StoredCustomer,
  query: UserTargetQuery,
) {
  const offset = store.options.utcOffsetMinutes;
  const byGroup = new Map<number, Record<string, unknown>[]>();
  for (const enrolment of customer.enrolments.values()) {
    const group = store.groups.get(enrolment.groupId);
    const target = group?.targets.find((item) => item.id === enrolment.targetId);
    if (!group || !target) continue;
    if (
      query.targetRuleId !== undefined &&
      query.targetRuleId !== target.id &&
      query.targetRuleId !== group.id
    )
      continue;
    const from = group.periods.find((period) => period.id === enrolment.fromPeriodId);
    const periods = group.periods
      .filter((period) => !from || period.startDate >= from.startDate)
      .filter((period) => query.includeInactive || store.periodStatus(period) === 'RUNNING')
      .sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
    const rows = periods.map((period) => {
      const targetValue = Number(target.values.find((value) => value.periodId === period.id)?.value ?? 0);
      const achieved = Number(enrolment.achieved.get(period.id) ?? 0);
      const updated = enrolment.updatedOn.get(period.id) ?? enrolment.enrolledOn;
      return {
        targetId: store.rowId(enrolment, period.id),
        periodId: period.id,
        programId: null,
        alternateCurrencyIdentifier: null,
        alternateCurrencyName: null,
        periodRefCode: period.refCode,
        periodStartDate: period.startDate,
        periodEndDate: period.endDate,
        targetValue,
        targetAchievedValue: achieved,
        targetName: target.name,
        targetType: target.targetType,
        targetEntity: target.targetEntity,
        targetRuleId: target.id,
        enrolledOn: formatTimestamp(enrolment.enrolledOn, offset),
        eventName: target.eventName,
        periodStartDateWithTimeStamp: `${period.startDate}T00:00:00.000Z`,
        periodEndDateWithTimeStamp: `${period.endDate}T23:59:59.000Z`,
        lastUpdatedOn: formatTimestamp(updated, offset),
        targetAchievedDateTime:
          targetValue > 0 && achieved >= targetValue ? formatTimestamp(updated, offset) : null,
        targetAchievedEventLogId: null,
        currentPeriod: store.periodStatus(period) === 'RUNNING',
        unEnrolled: enrolment.unEnrolled,
        milestones: null,
      };
    });
    if (rows.length > 0) byGroup.set(group.id, [...(byGroup.get(group.id) ?? []), ...rows]);
  }
  return {
    userId: customer.id,
    customer: {
      id: customer.id,
      profiles: [
        {
          firstName: customer.firstName,
          lastName: customer.lastName,
          commChannels: [
            {
              type: 'mobile',
              accountId: null,
              value: customer.mobile,
              primary: true,
              verified: false,
              subscribed: null,
              attributes: null,
            },
          ],
          source: 'instore',
          accountId: '',
          userId: customer.id,
          orgSourceId: -1,
        },
      ],
      loyaltyInfo: { loyaltyType: 'loyalty', lifetimePurchases: 0 },
      customFields: {},
    },
    targetGroups: [...byGroup.entries()].map(([groupId, rows]) => {
      const group = store.groups.get(groupId) as StoredGroup;
      return {
        id: group.id,
        attribution: renderAttribution(group.attribution, store),
        name: group.name,
        orgId: query.orgId,
        preferredTillId: group.preferredTillId,
        targets: rows,
        streaks: [],
        targetEvaluationType: group.targetEvaluationType,
        trackingType: group.trackingType,
      };
    }),
  };
}
