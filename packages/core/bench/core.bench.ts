/**
 * Core micro-benchmarks, each against a baseline measured in the same run; prints ratios.
 * Run with `pnpm bench`. Figures vary between machines; the ratios are what to compare.
 */
import { decimalToMinorUnits, GoalInputSchema, minorUnitsToDecimal, parseDecimal } from '@goalbridge/core';

function opsPerSecond(run: () => void, minMs = 300): number {
  for (let i = 0; i < 1000; i++) run();
  let iterations = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) {
    for (let i = 0; i < 1000; i++) run();
    iterations += 1000;
  }
  return iterations / ((performance.now() - started) / 1000);
}

const goal = {
  title: 'Q3 revenue',
  owners: [{ type: 'team', id: '7' }],
  measure: { kind: 'money', metric: 'deals_won', scope: { pipelineIds: [1, 2] } },
  target: { value: '250000.50', currency: 'EUR' },
  schedule: { start: '2025-07-01', end: '2025-09-30', recurrence: 'monthly' },
};
const text = JSON.stringify(goal);
let sink: unknown;

const rows = [
  {
    case: 'Goal input validation (zod)',
    baseline: 'JSON.parse of the same goal',
    subject: opsPerSecond(() => {
      sink = GoalInputSchema.parse(goal);
    }),
    reference: opsPerSecond(() => {
      sink = JSON.parse(text);
    }),
  },
  {
    case: 'exact decimal parse',
    baseline: 'Number() parse (inexact)',
    subject: opsPerSecond(() => {
      sink = parseDecimal('250000.50');
    }),
    reference: opsPerSecond(() => {
      sink = Number('250000.50');
    }),
  },
  {
    case: 'minor units round trip',
    baseline: 'float × 100 round trip (inexact)',
    subject: opsPerSecond(() => {
      sink = minorUnitsToDecimal(decimalToMinorUnits('1234.56', 2), 2);
    }),
    reference: opsPerSecond(() => {
      sink = String(Math.round(1234.56 * 100) / 100);
    }),
  },
];
void sink;

console.table(
  rows.map((row) => ({
    case: row.case,
    'ops/s': Math.round(row.subject).toLocaleString('en'),
    baseline: row.baseline,
    'baseline ops/s': Math.round(row.reference).toLocaleString('en'),
    'cost vs baseline': `${(row.reference / row.subject).toFixed(1)}×`,
  })),
);
