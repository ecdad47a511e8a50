/**
 * Pipedrive stores a goal's currency as `currency_id`, an account-specific number; the Goal model uses ISO
 * 4217 codes. A table translates between them: from `GET /v1/currencies` (fetched once per adapter and
 * cached) or from a table the user passes.
 */
import { type CallLimits, isCurrencyCode, waitForShared } from '@goalbridge/core';
import type { PipedriveCurrency } from './pipedrive-api.ts';

export interface PipedriveCurrencyTable {
  /** The ISO 4217 code of a currency id; undefined for unknown ids and custom currencies without one. */
  codeOf(id: number): string | undefined;
  /** The account's id for an ISO 4217 code. */
  idOf(code: string): number | undefined;
}

/** A table from `GET /currencies` items, or from `{ EUR: 1, USD: 2 }`. Standard currencies win over custom ones. */
export function createCurrencyTable(
  source:
    | readonly Pick<PipedriveCurrency, 'id' | 'code' | 'is_custom_flag'>[]
    | Readonly<Record<string, number>>,
): PipedriveCurrencyTable {
  const entries = Array.isArray(source)
    ? source
    : Object.entries(source as Record<string, number>).map(([code, id]) => ({ id, code }));
  const codes = new Map<number, string>();
  const ids = new Map<string, number>();
  const ordered = [...entries].sort(
    (a, b) => Number(a.is_custom_flag ?? false) - Number(b.is_custom_flag ?? false),
  );
  for (const { id, code } of ordered) {
    if (!isCurrencyCode(code)) continue;
    if (!codes.has(id)) codes.set(id, code);
    if (!ids.has(code)) ids.set(code, id);
  }
  return { codeOf: (id) => codes.get(id), idOf: (code) => ids.get(code) };
}

/**
 * The account's currency table, loaded on first use and shared by every call of one adapter. A failed load is
 * forgotten so the next call tries again.
 */
export class CurrencyResolver {
  readonly #load: () => Promise<readonly PipedriveCurrency[]>;
  #table: Promise<PipedriveCurrencyTable> | undefined;

  constructor(load: () => Promise<readonly PipedriveCurrency[]>, given?: Readonly<Record<string, number>>) {
    this.#load = load;
    if (given) this.#table = Promise.resolve(createCurrencyTable(given));
  }

  /** The table, waited for within the call's own signal and time limit (the load goes on for the others). */
  table(call: CallLimits = {}): Promise<PipedriveCurrencyTable> {
    if (!this.#table) {
      const loading = this.#load().then((currencies) => createCurrencyTable(currencies));
      this.#table = loading;
      loading.catch(() => {
        if (this.#table === loading) this.#table = undefined;
      });
    }
    return waitForShared(this.#table, call, { provider: 'pipedrive', what: 'GET currencies' });
  }
}
