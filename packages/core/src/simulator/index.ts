/**
 * Building blocks for provider simulators: the simulator shell (latency, faults, stats, in-process fetch,
 * localhost server), a router, seeded randomness and server-side rate accounting. Test tooling — not needed
 * at runtime by the adapters themselves.
 */

export { nextUtcMidnight } from '../model/dates.ts';
export {
  FAULT_KINDS,
  FAULTS_BEFORE,
  FaultController,
  type FaultKind,
  type Latency,
  type RandomFaults,
  type ScheduledFault,
} from './faults.ts';
export { hexId, type JsonBody, jsonResponse, readJsonBody, uuidV4 } from './http-helpers.ts';
export { createRandom, pick, type Random, randomInt } from './random.ts';
export { ResettingBudget, SlidingWindowCounter, type WindowHit } from './rate-window.ts';
export { type RouteMatch, type RouteParams, Router } from './router.ts';
export { type RunningServer, type ServeOptions, serve } from './server.ts';
export {
  createInProcessFetch,
  createSimulator,
  type FaultRenderer,
  isNetworkFault,
  NetworkFault,
  type Simulator,
  type SimulatorDefinition,
  type SimulatorStats,
} from './simulator.ts';
