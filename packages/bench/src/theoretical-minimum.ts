/**
 * The least time any client can take to migrate `goals` goals under the configured limits, latency and
 * concurrency — the yardstick of the migration row.
 *
 * The work any correct migration must do:
 * - read the source: Pipedrive's find returns one slice of the goals per query, so all `sourceReads` queries
 *   are needed (6 × 20 tokens). They fit in one burst window, so sent together they take one round trip `d`.
 *   A migration that can be run again without duplicating must also read the target once (1 request, sent
 *   alongside). Nothing can be written before the source answers: writes start at `d`.
 * - write `goals` creates (plus that one read) under the target's sliding window — at most `L` requests in
 *   any `W` ms, counted when they reach the server — with at most `C` requests in flight, each taking `d`.
 *
 * Request k (0-based, in the order sent) can start no earlier than
 *   start(k) = max( d, start(k − C) + d, start(k − L) + W )
 * (the source has answered; a slot is free; the request L places earlier has left the window — every request
 * reaches the server `d` after it starts, so windows measured at arrival are the same as at start). Starting
 * each request as early as that allows is optimal, and the migration ends when the last answer arrives:
 *   T_min = start(n − 1) + d.
 * In closed form, when one bound dominates: rate-bound T ≈ d + ⌊(n − 1)/L⌋·W + d; concurrency-bound
 * T ≈ d + ⌈n/C⌉·d.
 */

export interface MigrationLimits {
  goals: number;
  /** Target requests besides the creates (the target read). */
  extraTargetRequests: number;
  /** One-way-and-back latency of every request, the lowest the simulators add. */
  latencyMs: number;
  concurrency: number;
  /** Target requests per window. */
  limit: number;
  windowMs: number;
}

export interface MinimumTime {
  totalMs: number;
  /** The closed forms, for the notes. */
  rateBoundMs: number;
  concurrencyBoundMs: number;
}

export function theoreticalMinimum(limits: MigrationLimits): MinimumTime {
  const { latencyMs: d, concurrency: c, limit, windowMs } = limits;
  const requests = limits.goals + limits.extraTargetRequests;
  const starts = new Float64Array(requests);
  for (let k = 0; k < requests; k++) {
    const slotFree = k >= c ? (starts[k - c] as number) + d : 0;
    const windowFree = k >= limit ? (starts[k - limit] as number) + windowMs : 0;
    starts[k] = Math.max(d, slotFree, windowFree);
  }
  return {
    totalMs: (starts[requests - 1] as number) + d,
    rateBoundMs: d + Math.floor((requests - 1) / limit) * windowMs + d,
    concurrencyBoundMs: d + Math.ceil(requests / c) * d,
  };
}
