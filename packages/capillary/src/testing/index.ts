/**
 * @goalbridge/capillary/testing — a faithful, stateful simulator of Capillary's target-group API, fixed
 * sandbox credentials and a seeded data generator. Test tooling: adapters never need it at runtime.
 */
export {
  CAPILLARY_SANDBOX,
  type GenerateOptions,
  generateCapillaryCustomers,
  generateCapillaryTargetGroups,
  type SandboxCustomer,
} from './capillary-sandbox.ts';
export {
  type CapillaryClock,
  type CapillarySimulator,
  type CapillarySimulatorOptions,
  createCapillarySimulator,
  type EnrolOptions,
  type ProgressOptions,
  type SimulatedBasicUser,
  type SimulatedOAuthClient,
  type SimulatedRateLimit,
} from './capillary-simulator.ts';
