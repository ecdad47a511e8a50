/**
 * Goal progress from seeded deals and activities, for `GET /goals/{id}/results`. Pipedrive does not publish
 * how it counts; this is a plausible model (ASSUMPTION), consistent within the simulator:
 * - deals_won: deals won in the period; deals_started: deals added in the period; deals_progressed: deals
 *   that entered `stage_id` (any stage when none is set) in the period; revenue_forecast: open deals expected
 *   to close in the period.
 * - activities_completed: activities done in the period; activities_added: activities added in the period,
 *   of the goal's activity types (all when `null`).
 * - The assignee's deals: a person's own, a team's members', the company's all. Pipelines as in the params.
 * - `quantity` counts; `sum` adds deal values in the goal's currency (no conversion), exactly.
 */
import { addDecimals, parseDecimal } from '@goalbridge/core';
import type { PipedriveSimulatorTeam } from './pipedrive-sandbox.ts';
import type { RawGoal } from './pipedrive-simulator-validation.ts';

export interface PipedriveSimulatorDeal {
  id: number;
  userId: number;
  pipelineId: number;
  stageId: number;
  status: 'open' | 'won' | 'lost';
  /** Deal value in `currencyId`, as a decimal. */
  value: number | string;
  currencyId: number;
  addTime: string;
  wonTime?: string;
  expectedCloseDate?: string;
  /** Stages the deal entered, with the date it moved. */
  stageChanges?: readonly { stageId: number; date: string }[];
}

export interface PipedriveSimulatorActivity {
  id: number;
  userId: number;
  typeId: number;
  addTime: string;
  done: boolean;
  doneTime?: string;
}

export interface ProgressData {
  deals: readonly PipedriveSimulatorDeal[];
  activities: readonly PipedriveSimulatorActivity[];
  teams: readonly PipedriveSimulatorTeam[];
}

interface Period {
  start: string;
  end: string;
}

const within = (date: string | undefined, period: Period) =>
  date !== undefined && date.slice(0, 10) >= period.start && date.slice(0, 10) <= period.end;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function assigneeUsers(goal: RawGoal, teams: readonly PipedriveSimulatorTeam[]): (userId: number) => boolean {
  const assignee = record(goal.assignee);
  if (assignee.type === 'company') return () => true;
  if (assignee.type === 'team') {
    const members = new Set(teams.find((team) => team.id === assignee.id)?.userIds ?? []);
    return (userId) => members.has(userId);
  }
  return (userId) => userId === assignee.id;
}

function inList(list: unknown, id: number): boolean {
  return !Array.isArray(list) || list.includes(id);
}

/** The achieved count or sum of `goal` in `period`, as a decimal string. */
export function computeProgress(goal: RawGoal, period: Period, data: ProgressData): string {
  const type = record(goal.type);
  const params = record(type.params);
  const outcome = record(goal.expected_outcome);
  const ownedBy = assigneeUsers(goal, data.teams);
  const sum = outcome.tracking_metric === 'sum';

  if (type.name === 'activities_completed' || type.name === 'activities_added') {
    const completed = type.name === 'activities_completed';
    const count = data.activities.filter(
      (activity) =>
        ownedBy(activity.userId) &&
        inList(params.activity_type_id, activity.typeId) &&
        (completed ? activity.done && within(activity.doneTime, period) : within(activity.addTime, period)),
    ).length;
    return String(count);
  }

  const counted = data.deals.filter((deal) => {
    if (!ownedBy(deal.userId) || !inList(params.pipeline_id, deal.pipelineId)) return false;
    if (sum && deal.currencyId !== outcome.currency_id) return false;
    switch (type.name) {
      case 'deals_won':
        return deal.status === 'won' && within(deal.wonTime, period);
      case 'deals_started':
        return within(deal.addTime, period);
      case 'deals_progressed':
        return (deal.stageChanges ?? []).some(
          (change) =>
            (params.stage_id === undefined || change.stageId === params.stage_id) &&
            within(change.date, period),
        );
      case 'revenue_forecast':
        return deal.status === 'open' && within(deal.expectedCloseDate, period);
      default:
        return false;
    }
  });
  if (!sum) return String(counted.length);
  return counted.reduce((total, deal) => addDecimals(total, parseDecimal(deal.value) ?? '0'), '0');
}
