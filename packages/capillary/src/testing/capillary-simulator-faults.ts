/**
 * How the simulated server refuses things: an HTTP status plus the envelope's numeric code, the way
 * `intouch-api-v3` answers (reference §1.3, §1.4, §6).
 */

export class CapillaryFault extends Error {
  readonly status: number;
  readonly code: number;

  constructor(status: number, code: number, message: string) {
    super(message);
    this.name = 'CapillaryFault';
    this.status = status;
    this.code = code;
  }
}

/** 300004: the generic bad-input answer (reference §4.1). */
export function invalidInput(detail?: string): CapillaryFault {
  const base = 'Invalid input, check all values and ensure they are correct';
  return new CapillaryFault(400, 300004, detail ? `${base}: ${detail}` : base);
}

/**
 * The code of a period change the status rules forbid (reference §4.8): an ASSUMPTION, as no code is
 * documented for it. Change it here.
 */
export const PERIOD_CHANGE_REFUSED = 300004;

/** A `PUT …/targetPeriods` item the period's status does not allow (reference §4.8). */
export function periodChangeRefused(detail: string): CapillaryFault {
  return new CapillaryFault(400, PERIOD_CHANGE_REFUSED, `Target period cannot change: ${detail}`);
}

/** Faults whose HTTP status depends on the server's not-found handling (200 with errors per [KV]). */
export function notFound(code: 310011 | 310017 | 310018 | 310019 | 310149, status: number): CapillaryFault {
  const messages = {
    310011: 'Invalid userId',
    310017: 'Target group not found or deactivated',
    310018: 'Target rule not found',
    310019: 'Target period not found',
    310149: 'No record found in user target for given UserId and TargetId',
  } as const;
  return new CapillaryFault(status, code, messages[code]);
}
