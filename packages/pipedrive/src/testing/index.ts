/**
 * @goalbridge/pipedrive/testing — a faithful Pipedrive Goals API simulator for tests, the CLI sandbox, demos
 * and benchmarks, with fixed sandbox credentials and a seeded account generator.
 */
export {
  generatePipedriveDataset,
  type PipedriveDataset,
  type PipedriveDatasetOptions,
} from './pipedrive-dataset.ts';
export {
  PIPEDRIVE_SANDBOX,
  type PipedriveSimulatorTeam,
  type PipedriveSimulatorUser,
  SANDBOX_ACTIVITY_TYPES,
  SANDBOX_CURRENCIES,
  SANDBOX_PIPELINES,
  SANDBOX_USER,
} from './pipedrive-sandbox.ts';
export {
  createPipedriveSimulator,
  type PipedriveSandbox,
  type PipedriveSimulator,
  type PipedriveSimulatorOptions,
  type SimulatorClock,
  startPipedriveSandbox,
  type TokenUsage,
} from './pipedrive-simulator.ts';
export type { DailyBudgetState, PipedriveSimulatorLimits } from './pipedrive-simulator-limits.ts';
export type { PipedriveSimulatorActivity, PipedriveSimulatorDeal } from './pipedrive-simulator-results.ts';
export type { PipedriveGoalSeed } from './pipedrive-simulator-store.ts';
