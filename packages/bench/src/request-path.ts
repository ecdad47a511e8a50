/**
 * Row 2 — the request path. The same 2,000 operations (500 cycles of add → find → update → delete) against
 * one Pipedrive simulator served from another process over real localhost HTTP, by the goalbridge adapter,
 * the official `pipedrive` client (v1 GoalsApi), a bare `fetch` loop and a bare ky loop (the floor of the
 * required stack). Batches alternate between the clients so drift (GC, a noisy neighbour, the store growing)
 * lands on all of them; medians of batch times.
 */
import { assertSameRequests, recordEach, startSimulatorProcess } from './processes.ts';
import type { BenchContext, Row, Section, SectionResult } from './report.ts';
import {
  bareFetchClient,
  bareKyClient,
  type GoalsClient,
  goalbridgeClient,
  officialClient,
  runCycle,
  type WorkItem,
  workItems,
} from './request-clients.ts';
import { formatMs, median, rotate, sum } from './stats.ts';

const CYCLES = 500;
const OPERATIONS = CYCLES * 4;
const BATCHES = 10;
const WARMUP_CYCLES = 100;
const CHECKED_CYCLES = 3;
/** The goal against bare fetch: at most this many times its time per operation. */
const FETCH_GOAL = 1.15;
/** Goals already in the account, so find filters a realistic store. */
const BACKGROUND_GOALS = 300;

interface Timing {
  wallMs: number[];
  cpuMs: number[];
}

async function timeBatch(client: GoalsClient, items: readonly WorkItem[], timing: Timing): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const item of items) await runCycle(client, item);
  timing.wallMs.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  timing.cpuMs.push((used.user + used.system) / 1000);
}

export const requestPathSection: Section = {
  name: 'request-path',
  title: 'Request path — the same 2,000 operations over localhost HTTP',
  async run(context: BenchContext): Promise<SectionResult> {
    const host = await startSimulatorProcess({
      provider: 'pipedrive',
      plan: 'ultimate',
      limits: { burstApiToken: 1_000_000, dailyTokens: false },
    });
    try {
      await host.send({ type: 'seed-pipedrive', goals: BACKGROUND_GOALS, seed: 3 });
      const baseURL = `${host.url}/v1`;
      const clients = [
        goalbridgeClient(baseURL),
        officialClient(baseURL),
        bareFetchClient(baseURL),
        bareKyClient(baseURL),
      ];
      const items = workItems(CYCLES + WARMUP_CYCLES);
      const measured = items.slice(0, CYCLES);
      const warmup = items.slice(CYCLES);

      context.log('request path: checking that the clients send the same requests');
      const recordings = await recordEach(host, clients, async (client) => {
        for (const item of warmup.slice(0, CHECKED_CYCLES)) await runCycle(client, item);
      });
      const checked = recordings[0]?.length ?? 0;
      if (checked !== CHECKED_CYCLES * 4)
        throw new Error(`expected ${CHECKED_CYCLES * 4} recorded requests, got ${checked}`);
      assertSameRequests(
        clients.map((client) => client.name),
        recordings,
      );

      context.log('request path: warming up');
      for (const client of clients)
        for (const item of warmup.slice(CHECKED_CYCLES)) await runCycle(client, item);
      await host.send({ type: 'reset-stats' });

      const timings = new Map<string, Timing>(
        clients.map((client) => [client.name, { wallMs: [], cpuMs: [] }]),
      );
      const perBatch = CYCLES / BATCHES;
      for (let batch = 0; batch < BATCHES; batch++) {
        context.log(`request path: batch ${batch + 1}/${BATCHES}`);
        const slice = measured.slice(batch * perBatch, (batch + 1) * perBatch);
        for (const client of rotate(clients, batch))
          await timeBatch(client, slice, timings.get(client.name) as Timing);
      }
      const stats = await host.send({ type: 'stats' });
      const failed = Object.entries(stats.statuses).filter(([status]) => Number(status) >= 400);
      if (failed.length > 0)
        throw new Error(`the simulator answered errors: ${JSON.stringify(stats.statuses)}`);
      if (stats.requests !== OPERATIONS * clients.length) {
        throw new Error(
          `expected ${OPERATIONS * clients.length} requests, the simulator saw ${stats.requests}`,
        );
      }
      return summarize(timings, stats.statuses);
    } finally {
      await host.close();
    }
  },
};

function summarize(timings: Map<string, Timing>, statuses: Record<string, number>): SectionResult {
  const perOp = (name: string) => median(timings.get(name)?.wallMs ?? []) / (OPERATIONS / BATCHES);
  const cpuPerOp = (name: string) => sum(timings.get(name)?.cpuMs ?? []) / OPERATIONS;
  const goalbridge = perOp('goalbridge');
  const official = perOp('official');
  const fetch = perOp('bare fetch');
  const ky = perOp('bare ky');
  const rows: Row[] = [
    {
      name: 'request path vs bare fetch',
      subject: `${formatMs(goalbridge)}/op`,
      baseline: `bare fetch ${formatMs(fetch)}/op`,
      ratio: goalbridge / fetch,
      goal: `≤ ${FETCH_GOAL}×`,
      pass: goalbridge / fetch <= FETCH_GOAL,
    },
    {
      name: 'request path vs official client',
      subject: `${formatMs(goalbridge)}/op`,
      baseline: `official ${formatMs(official)}/op`,
      ratio: goalbridge / official,
      goal: '< 1.00× (faster)',
      pass: goalbridge < official,
    },
    {
      name: 'bare ky vs bare fetch (the stack’s floor)',
      subject: `bare ky ${formatMs(ky)}/op`,
      baseline: `bare fetch ${formatMs(fetch)}/op`,
      ratio: ky / fetch,
    },
    {
      name: 'request path vs bare ky',
      subject: `${formatMs(goalbridge)}/op`,
      baseline: `bare ky ${formatMs(ky)}/op`,
      ratio: goalbridge / ky,
    },
  ];
  const notes = [
    `${CYCLES} cycles of add → find → update → delete = ${OPERATIONS.toLocaleString('en')} operations per client, sequential, ` +
      `against one Pipedrive simulator in another process over localhost HTTP (keep-alive), ${BACKGROUND_GOALS} goals already stored.`,
    `Before timing, the simulator recorded ${CHECKED_CYCLES} cycles of each client: same method, path, query, JSON body and ` +
      'x-api-token header for every client (checked, the run stops otherwise). Every response was a 2xx ' +
      `(${JSON.stringify(statuses)}), and every find saw exactly the goal just added.`,
    `Figures: median over ${BATCHES} batches of ${OPERATIONS / BATCHES} operations; the clients take turns, in a rotating order, ` +
      `after ${WARMUP_CYCLES} warm-up cycles each.`,
    `Client CPU per operation (this process only; the server runs elsewhere): goalbridge ${formatMs(cpuPerOp('goalbridge'))}, ` +
      `official ${formatMs(cpuPerOp('official'))}, bare fetch ${formatMs(cpuPerOp('bare fetch'))}, ` +
      `bare ky ${formatMs(cpuPerOp('bare ky'))}.`,
    'Bare ky is what a user of the required stack writes with ky alone (one instance with base URL and headers, ' +
      '`json` bodies, `searchParams`, status and `success` checked): the floor under any client built on ky. ' +
      `In this run it is ${(ky / fetch).toFixed(2)}× bare fetch` +
      (ky / fetch > FETCH_GOAL
        ? `, above the ${FETCH_GOAL}× goal before any validation, mapping or limit is added.`
        : '.'),
    'goalbridge validates each input, maps it, schedules it under the configured limits (set as high as the simulator’s, ' +
      'so nothing waits) and parses and validates every answer into a Goal; the other clients return raw JSON.',
  ];
  const raw = {
    cycles: CYCLES,
    operations: OPERATIONS,
    batches: BATCHES,
    batchWallMs: Object.fromEntries([...timings].map(([name, timing]) => [name, timing.wallMs])),
    batchCpuMs: Object.fromEntries([...timings].map(([name, timing]) => [name, timing.cpuMs])),
    medianMsPerOperation: { goalbridge, official, bareFetch: fetch, bareKy: ky },
    statuses,
  };
  return { rows, notes, raw };
}
