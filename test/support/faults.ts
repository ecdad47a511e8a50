/**
 * Fault-injection helpers for the fault suite: which faults hit which requests (by method), and every fault
 * kind scheduled once on a simulator's matching requests, spaced out so a retried request is not hit by all
 * of them in a row.
 */
import { FAULT_KINDS, type FaultKind, type Simulator } from '@goalbridge/core/simulator';

export interface FaultTally {
  /** Faults injected into requests of this method, by kind. */
  on(method: string): ReadonlyMap<FaultKind, number>;
  /** Fault kinds never injected into requests of this method. */
  missingOn(method: string): FaultKind[];
  total(): number;
}

/** Starts counting the faults `simulator` injects, by request method and kind. */
export function tallyFaults(simulator: Simulator): FaultTally {
  const { faults } = simulator;
  const draw = faults.draw.bind(faults);
  const byMethod = new Map<string, Map<FaultKind, number>>();
  faults.draw = (request) => {
    const kind = draw(request);
    if (kind) {
      const kinds = byMethod.get(request.method) ?? new Map<FaultKind, number>();
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      byMethod.set(request.method, kinds);
    }
    return kind;
  };
  const on = (method: string) => byMethod.get(method) ?? new Map<FaultKind, number>();
  return {
    on,
    missingOn: (method) => FAULT_KINDS.filter((kind) => !on(method).has(kind)),
    total: () => [...byMethod.values()].flatMap((kinds) => [...kinds.values()]).reduce((a, b) => a + b, 0),
  };
}

/**
 * Schedules one fault of every kind on requests `match` accepts, on every other such request (the ones in
 * between draw from the random faults as usual).
 */
export function scheduleEveryKind(simulator: Simulator, match: (request: Request) => boolean): void {
  const numbers = new WeakMap<Request, number>();
  let seen = 0;
  const spaced = (request: Request) => {
    if (!match(request)) return false;
    let number = numbers.get(request);
    if (number === undefined) {
      number = ++seen;
      numbers.set(request, number);
    }
    return number % 2 === 1;
  };
  for (const kind of FAULT_KINDS) simulator.faults.schedule({ kind, match: spaced });
}
