/**
 * Row 5 — mapping throughput. Each provider's exported pure mappers, raw payload → Goal and Goal → raw write
 * body, single-threaded on realistic payloads from the providers' own data generators (as the simulators serve
 * them, then parsed by the provider's response schema, as the adapters do). Goal: 200,000 goals a second per
 * core. A mapper that misses it is profiled, and its hotspots go in the notes.
 */

import {
  CapillaryExtensionSchema,
  CapillaryTargetGroupSchema,
  capillaryTargetGroupToGoal,
  goalToCapillaryTargetGroup,
} from '@goalbridge/capillary';
import { createCapillarySimulator, generateCapillaryTargetGroups } from '@goalbridge/capillary/testing';
import { type Goal, type GoalInput, GoalInputSchema, toGoalInput } from '@goalbridge/core';
import {
  createCurrencyTable,
  goalToPipedriveGoal,
  PipedriveGoalSchema,
  pipedriveGoalToGoal,
} from '@goalbridge/pipedrive';
import {
  createPipedriveSimulator,
  generatePipedriveDataset,
  SANDBOX_CURRENCIES,
} from '@goalbridge/pipedrive/testing';
import { convertGoalToPlannr, PlannrGoalSchema, plannrGoalToGoal } from '@goalbridge/plannr';
import { createPlannrSimulator, generatePlannrGoals } from '@goalbridge/plannr/testing';
import { type Hotspot, hotspots } from './profile.ts';
import type { BenchContext, Row, Section, SectionResult } from './report.ts';
import { formatRate, median } from './stats.ts';

const PAYLOADS = 2000;
const GOAL_PER_SECOND = 200_000;
const SAMPLES = 7;
const SAMPLE_MS = 150;

interface MapperCase {
  name: string;
  /** The exported function measured. */
  mapper: string;
  inputs: readonly unknown[];
  map: (input: unknown) => unknown;
  /** Counted against the goal; false for the information row. */
  hasGoal: boolean;
  /** A step the mapper cannot skip, timed alone beside it when the mapper misses the goal. */
  step?: { what: string; inputs: readonly unknown[]; run: (input: unknown) => unknown };
}

let sink: unknown;

/** Items per second of `run` over `inputs` during one sample of about `ms` milliseconds. */
function sample(inputs: readonly unknown[], run: (input: unknown) => unknown, ms: number): number {
  let done = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let index = 0; index < 256; index++) sink = run(inputs[(done + index) % inputs.length]);
    done += 256;
    elapsed = performance.now() - started;
  }
  return (done / elapsed) * 1000;
}

/**
 * Items per second of the mapper and of the baseline (on its own inputs, the mapper's by default): samples
 * alternate between the two, so a noisy neighbour slows both alike; medians after a warm-up sample of each.
 */
function throughputs(
  inputs: readonly unknown[],
  mapper: (input: unknown) => unknown,
  baseline: (input: unknown) => unknown,
  baselineInputs: readonly unknown[] = inputs,
): { mapper: number; baseline: number } {
  sample(inputs, mapper, SAMPLE_MS);
  sample(baselineInputs, baseline, SAMPLE_MS);
  const rates = { mapper: [] as number[], baseline: [] as number[] };
  for (let round = 0; round < SAMPLES; round++) {
    rates.mapper.push(sample(inputs, mapper, SAMPLE_MS));
    rates.baseline.push(sample(baselineInputs, baseline, SAMPLE_MS));
  }
  return { mapper: median(rates.mapper), baseline: median(rates.baseline) };
}

const jsonBytes = (values: readonly unknown[]) =>
  values.reduce<number>((total, value) => total + JSON.stringify(value).length, 0) / values.length;

const jsonCopy = (input: unknown) => JSON.parse(JSON.stringify(input));

/** One provider's two cases: its payloads read into Goals, and the Goal inputs those give written back. */
function bothWays<R>(
  provider: string,
  raws: readonly R[],
  read: { mapper: string; map: (raw: R) => { value: Goal } },
  write: { mapper: string; map: (input: GoalInput) => unknown },
): MapperCase[] {
  const inputs = raws.map((raw) => toGoalInput(read.map(raw).value));
  return [
    {
      name: `${provider} → Goal`,
      mapper: read.mapper,
      inputs: raws,
      map: (raw) => read.map(raw as R),
      hasGoal: true,
    },
    {
      name: `Goal → ${provider}`,
      mapper: write.mapper,
      inputs,
      map: (input) => write.map(input as GoalInput),
      hasGoal: true,
    },
  ];
}

function pipedriveCases(): MapperCase[] {
  const dataset = generatePipedriveDataset({ goals: PAYLOADS, seed: 31, deals: 0, activities: 0 });
  const raws = createPipedriveSimulator({ dataset })
    .goals()
    .map((raw) => PipedriveGoalSchema.parse(raw));
  const currencies = createCurrencyTable(SANDBOX_CURRENCIES);
  return bothWays(
    'Pipedrive',
    raws,
    { mapper: 'pipedriveGoalToGoal', map: (raw) => pipedriveGoalToGoal(raw, { currencies }) },
    { mapper: 'goalToPipedriveGoal', map: (input) => goalToPipedriveGoal(input, { currencies }) },
  );
}

function plannrCases(): MapperCase[] {
  const simulator = createPlannrSimulator({
    rateLimit: false,
    goals: generatePlannrGoals(PAYLOADS, { seed: 31 }),
  });
  const raws = simulator.goals().map((raw) => PlannrGoalSchema.parse(raw));
  return bothWays(
    'Plannr',
    raws,
    { mapper: 'plannrGoalToGoal', map: plannrGoalToGoal },
    { mapper: 'convertGoalToPlannr', map: (input) => convertGoalToPlannr(input) },
  );
}

function capillaryCases(): MapperCase[] {
  const simulator = createCapillarySimulator({ rateLimit: false });
  simulator.seedGroups(generateCapillaryTargetGroups({ count: PAYLOADS, seed: 31 }));
  const raws = simulator.targetGroups().map((raw) => CapillaryTargetGroupSchema.parse(raw));
  const [reader, writer] = bothWays(
    'Capillary',
    raws,
    { mapper: 'capillaryTargetGroupToGoal', map: capillaryTargetGroupToGoal },
    { mapper: 'goalToCapillaryTargetGroup', map: (input) => goalToCapillaryTargetGroup(input) },
  ) as [MapperCase, MapperCase];
  // The writer validates what it keeps of a group (extensions.capillary) before it uses any of it.
  const extensions = (writer.inputs as GoalInput[]).map((input) => input.extensions.capillary);
  writer.step = {
    what: 'validating extensions.capillary (CapillaryExtensionSchema.safeParse)',
    inputs: extensions,
    run: (extension) => CapillaryExtensionSchema.safeParse(extension),
  };
  return [reader, writer];
}

/** The Goal input validation every adapter runs before a write (moved here from core's micro-benchmarks). */
function validationCase(inputs: readonly unknown[]): MapperCase {
  return {
    name: 'Goal input validation',
    mapper: 'GoalInputSchema.parse',
    inputs,
    map: (input) => GoalInputSchema.parse(input),
    hasGoal: false,
  };
}

export const mappingSection: Section = {
  name: 'mapping',
  title: 'Mapping throughput — pure mappers, one core',
  async run(context: BenchContext): Promise<SectionResult> {
    const cases = [...pipedriveCases(), ...plannrCases(), ...capillaryCases()];
    cases.push(validationCase((cases[1] as MapperCase).inputs));
    const rows: Row[] = [];
    const notes: string[] = [
      `${PAYLOADS.toLocaleString('en')} payloads per case from the providers' generators, as the simulators serve them and ` +
        "parsed by the provider's response schema (raw → Goal), or the Goal inputs those give back (Goal → raw). Median of " +
        `${SAMPLES} samples of ${SAMPLE_MS} ms each, alternating with the baseline's, after a warm-up; one thread.`,
      'Baseline: JSON.parse(JSON.stringify(payload)) of the same payloads, a copy through JSON, to scale the figures to this ' +
        'machine; the ratio is mapper ÷ baseline speed.',
    ];
    const raw: Record<string, unknown> = {};
    for (const mapperCase of cases) {
      context.log(`mapping: ${mapperCase.mapper}`);
      const { mapper: rate, baseline: copy } = throughputs(mapperCase.inputs, mapperCase.map, jsonCopy);
      const pass = mapperCase.hasGoal ? rate >= GOAL_PER_SECOND : undefined;
      let profile: Hotspot[] | undefined;
      let outputCopy: number | undefined;
      let stepRate: number | undefined;
      if (pass === false) {
        const { inputs, map } = mapperCase;
        let next = 0;
        profile = await hotspots(() => {
          sink = map(inputs[next++ % inputs.length]);
        });
        // What building its result alone costs: a JSON copy of what the mapper returns, timed beside it.
        const outputs = inputs.map(map);
        const own = throughputs(inputs, map, jsonCopy, outputs);
        outputCopy = own.baseline;
        notes.push(
          `${mapperCase.mapper} misses the goal; most self time in: ${profile
            .map((spot) => `${spot.where} ${(spot.share * 100).toFixed(0)}%`)
            .join(', ')}. ` +
            `It runs at ${(own.mapper / own.baseline).toFixed(2)}× the speed of a JSON copy of its own results ` +
            `(${Math.round(jsonBytes(outputs)).toLocaleString('en')} bytes each, from ` +
            `${Math.round(jsonBytes(inputs)).toLocaleString('en')}-byte inputs): ${formatRate(own.mapper, 'goals')} ` +
            `against ${formatRate(own.baseline, 'copies')}.`,
        );
        if (mapperCase.step) {
          const { what, inputs: stepInputs, run } = mapperCase.step;
          stepRate = throughputs(inputs, map, run, stepInputs).baseline;
          notes.push(
            `At ${GOAL_PER_SECOND.toLocaleString('en')} a second a goal may take ${(1e6 / GOAL_PER_SECOND).toFixed(0)} µs; ` +
              `${what} alone takes ${(1e6 / stepRate).toFixed(1)} µs of them (${formatRate(stepRate, 'goals')}), ` +
              `${((GOAL_PER_SECOND / stepRate) * 100).toFixed(0)}%.`,
          );
        }
      }
      raw[mapperCase.mapper] = {
        goalsPerSecond: rate,
        jsonRoundTripPerSecond: copy,
        outputCopyPerSecond: outputCopy,
        stepPerSecond: stepRate,
        hotspots: profile,
      };
      rows.push({
        name: `${mapperCase.name} (${mapperCase.mapper})`,
        subject: formatRate(rate, 'goals'),
        baseline: `JSON copy ${formatRate(copy, 'goals')}`,
        ratio: rate / copy,
        goal: mapperCase.hasGoal ? `≥ ${GOAL_PER_SECOND.toLocaleString('en')}/s` : undefined,
        pass,
      });
    }
    void sink;
    return { rows, notes, raw };
  },
};
