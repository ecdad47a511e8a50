/**
 * Latency and fault injection for simulators. Faults come in two timings, as in real networks:
 * before the server acts (5xx, 429, HTML error page, reset) — nothing changed — and after it acted
 * (truncated body, reset, hang) — the change happened but the client cannot know it.
 */
import { createRandom, type Random } from './random.ts';

export const FAULT_KINDS = [
  'server-error',
  'rate-limit',
  'rate-limit-no-retry-after',
  'html-error',
  'reset-before',
  'reset-after',
  'timeout-after',
  'truncated',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that leave the server's state unchanged. */
export const FAULTS_BEFORE: ReadonlySet<FaultKind> = new Set([
  'server-error',
  'rate-limit',
  'rate-limit-no-retry-after',
  'html-error',
  'reset-before',
]);

export interface RandomFaults {
  /** Share of requests that fail, 0–1. */
  rate: number;
  /** Kinds to draw from. Default: all. */
  kinds?: readonly FaultKind[];
  /** Only requests this returns true for can fail. */
  match?: (request: Request) => boolean;
}

export interface ScheduledFault {
  kind: FaultKind;
  /** Which requests; default any. */
  match?: (request: Request) => boolean;
  /** How many matching requests get it. Default 1. */
  times?: number;
}

export interface Latency {
  /** Base delay per request. */
  ms: number;
  /** Uniform extra delay in [0, jitterMs]. */
  jitterMs?: number;
}

/** The fault plan of one simulator: random faults, scheduled faults and latency, changeable at any time. */
export class FaultController {
  #random: Random;
  #randomFaults: RandomFaults | undefined;
  #latency: Latency | undefined;
  readonly #scheduled: (ScheduledFault & { left: number })[] = [];
  /** Faults injected so far, by kind. */
  readonly injected = new Map<FaultKind, number>();
  #rateLimitWaitSeconds = 1;

  constructor(seed = 1) {
    this.#random = createRandom(seed);
  }

  /** Fail a share of requests at random (seeded). `undefined` turns it off. */
  setRandom(faults: RandomFaults | undefined, seed?: number): void {
    this.#randomFaults = faults;
    if (seed !== undefined) this.#random = createRandom(seed);
  }

  /**
   * How long an injected 429 tells the client to wait, in seconds (`Retry-After`, or the provider's own reset
   * header). Default 1, as real servers say; a fraction scales time down so fault-heavy tests stay fast.
   */
  get rateLimitWaitSeconds(): number {
    return this.#rateLimitWaitSeconds;
  }

  setRateLimitWait(seconds: number): void {
    if (!(seconds > 0) || !Number.isFinite(seconds))
      throw new RangeError('the wait must be a positive number');
    this.#rateLimitWaitSeconds = seconds;
  }

  setLatency(latency: Latency | undefined): void {
    this.#latency = latency;
  }

  /** Fail the next matching request(s) with `kind`. */
  schedule(fault: ScheduledFault): void {
    this.#scheduled.push({ ...fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.#randomFaults = undefined;
    this.#latency = undefined;
    this.#scheduled.length = 0;
  }

  /** The fault for this request, if any (scheduled first, then random). */
  draw(request: Request): FaultKind | undefined {
    const scheduled = this.#scheduled.find((fault) => fault.left > 0 && (fault.match?.(request) ?? true));
    let kind: FaultKind | undefined;
    if (scheduled) {
      scheduled.left--;
      kind = scheduled.kind;
    } else if (this.#randomFaults && (this.#randomFaults.match?.(request) ?? true)) {
      if (this.#random() < this.#randomFaults.rate) {
        const kinds = this.#randomFaults.kinds ?? FAULT_KINDS;
        kind = kinds[Math.floor(this.#random() * kinds.length)];
      }
    }
    if (kind) this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    return kind;
  }

  /** This request's delay in milliseconds. */
  delay(): number {
    if (!this.#latency) return 0;
    return this.#latency.ms + (this.#latency.jitterMs ? this.#random() * this.#latency.jitterMs : 0);
  }
}
