import { unsafeJsonNumber } from './decimal.ts';

/**
 * A mapping that cannot carry everything says so. Warnings are data, not log lines: a dry run shows them all
 * before any write, and a migration summary groups them by `reason`, so keep `reason` free of values and put
 * specifics in `detail`.
 */
export interface MappingWarning {
  /** Goal field path the warning is about, e.g. `priority` or `schedule.periods`. */
  field: string;
  /** Why: a stable sentence such as "Pipedrive goals have no priority". */
  reason: string;
  /** What was done instead, e.g. "dropped" or "kept the first target". */
  action: string;
  /** The specific value or id, when useful. */
  detail?: string;
}

/** The result of mapping one thing to another. */
export interface Mapped<T> {
  value: T;
  warnings: MappingWarning[];
}

/** Collects warnings while a mapper runs. */
export class WarningList {
  readonly items: MappingWarning[] = [];

  add(field: string, reason: string, action: string, detail?: string): void {
    this.items.push(detail === undefined ? { field, reason, action } : { field, reason, action, detail });
  }

  /** Warns when `value` is a number JSON may have rounded on the way in (an integer beyond 2^53), kept as read. */
  addIfRounded(field: string, value: unknown, what: string): void {
    if (unsafeJsonNumber(value) === undefined) return;
    this.add(
      field,
      `${what} beyond 2^53 cannot be read exactly from JSON`,
      'kept the rounded number',
      String(value),
    );
  }

  result<T>(value: T): Mapped<T> {
    return { value, warnings: this.items };
  }
}
