/**
 * @goalbridge/plannr/testing — a faithful, stateful simulator of Plannr's goals API, sandbox credentials it
 * accepts by default, and a seeded data generator. Serve it in process (`simulator.fetch`), over msw
 * (`toMswHandlers(simulator)` from `@goalbridge/core/msw`) or on localhost (`await simulator.listen()`).
 */
export {
  type GeneratePlannrGoalsOptions,
  generatePlannrClientAccounts,
  generatePlannrGoals,
  type PlannrGoalSeed,
} from './plannr-data-generator.ts';
export { formatMoney, formatPlannrDateTime, formatPlannrMidnight } from './plannr-resources.ts';
export {
  PLANNR_SANDBOX,
  type PlannrClientRole,
  type PlannrSandboxAccount,
  type PlannrSandboxCircle,
} from './plannr-sandbox.ts';
export {
  createPlannrSimulator,
  type PlannrRateLimit,
  type PlannrSandbox,
  type PlannrSimulator,
  type PlannrSimulatorOptions,
  type PlannrSimulatorUser,
  startPlannrSandbox,
} from './plannr-simulator.ts';
