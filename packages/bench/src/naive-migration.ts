/**
 * The baseline of the migration row: what a competent user writes without goalbridge. Read every Pipedrive
 * goal (the same six find queries, one after another), map each to a Plannr body by hand, and create them with
 * a fixed number of workers; on a 429, wait as long as `Retry-After` says (or a fixed second when it says
 * nothing) and send the same request again.
 */
import { PLANNR_SANDBOX } from '@goalbridge/plannr/testing';
import { sleep } from './stats.ts';

/** The Plannr client account that owns a Pipedrive assignee's goals; people map one to one, teams to a default. */
export function plannrOwnerFor(assignee: { type: string; id: number } | undefined): string {
  const accounts = PLANNR_SANDBOX.clientAccounts;
  if (assignee?.type !== 'person') return accounts[0].uuid;
  return (accounts[(assignee.id - 1) % accounts.length] ?? accounts[0]).uuid;
}

export interface NaiveOptions {
  /** `…/v1` of the Pipedrive server. */
  pipedriveURL: string;
  pipedriveToken: string;
  /** `…/api/v2` of the Plannr server. */
  plannrURL: string;
  concurrency: number;
  /** The Pipedrive currency id of GBP, Plannr's account currency. */
  gbpCurrencyId: number;
  /** Wait after a 429 without `Retry-After`. */
  fallbackWaitMs?: number;
}

export interface NaiveResult {
  created: number;
  rateLimited: number;
}

interface RawGoal {
  id: string;
  title?: string | null;
  type: { name: string };
  assignee?: { type: string; id: number };
  duration?: { end?: string | null };
  expected_outcome: { target?: number | string | null; tracking_metric: string; currency_id?: number };
}

async function readAllGoals(options: NaiveOptions): Promise<RawGoal[]> {
  const byId = new Map<string, RawGoal>();
  for (const isActive of [true, false]) {
    for (const type of ['person', 'team', 'company']) {
      const query = new URLSearchParams({ 'assignee.type': type, is_active: String(isActive) });
      const response = await fetch(`${options.pipedriveURL}/goals/find?${query}`, {
        headers: { 'x-api-token': options.pipedriveToken, accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`Pipedrive find: HTTP ${response.status}`);
      const body = (await response.json()) as { data?: { goals?: RawGoal[] } | null };
      for (const goal of body.data?.goals ?? []) byId.set(goal.id, goal);
    }
  }
  return [...byId.values()];
}

function toPlannrBody(goal: RawGoal, gbpCurrencyId: number): Record<string, unknown> {
  const outcome = goal.expected_outcome;
  const body: Record<string, unknown> = {
    name: goal.title?.trim() || `Untitled ${goal.type.name} goal`,
    account_uuids: [plannrOwnerFor(goal.assignee)],
  };
  if (goal.duration?.end) body.complete_goal_by = goal.duration.end;
  if (outcome.tracking_metric === 'sum' && outcome.currency_id === gbpCurrencyId && outcome.target != null) {
    body.target_amount = Math.round(Number(outcome.target) * 100);
  }
  return body;
}

export async function naiveMigrate(options: NaiveOptions): Promise<NaiveResult> {
  const goals = await readAllGoals(options);
  const headers = {
    authorization: `Bearer ${PLANNR_SANDBOX.accessToken}`,
    'x-plannr-account-uuid': PLANNR_SANDBOX.accountUuid,
    accept: 'application/json',
    'content-type': 'application/json',
  };
  let next = 0;
  let created = 0;
  let rateLimited = 0;
  const worker = async () => {
    while (next < goals.length) {
      const body = JSON.stringify(toPlannrBody(goals[next++] as RawGoal, options.gbpCurrencyId));
      for (;;) {
        const response = await fetch(`${options.plannrURL}/goals`, { method: 'POST', headers, body });
        await response.text();
        if (response.status === 429) {
          rateLimited++;
          const retryAfter = Number(response.headers.get('retry-after'));
          await sleep(retryAfter > 0 ? retryAfter * 1000 : (options.fallbackWaitMs ?? 1000));
          continue;
        }
        if (!response.ok) throw new Error(`Plannr create: HTTP ${response.status}`);
        created++;
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { created, rateLimited };
}
