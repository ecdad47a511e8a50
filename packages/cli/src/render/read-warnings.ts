/** Warnings raised while reading goals, gathered for one report when the command ends. */
import { type HttpHooks, type WarningEvent, WarningGroups } from '@goalbridge/core';
import { warningTable } from './summary.ts';

export class ReadWarnings {
  readonly #groups = new WarningGroups();
  #count = 0;

  /** The hooks every adapter of the command is given. */
  readonly hooks: HttpHooks = { onWarning: (event) => this.#add(event) };

  #add(event: WarningEvent): void {
    this.#count++;
    const source =
      event.goalId === undefined
        ? `${event.provider} ${event.operation}`
        : `${event.provider}:${event.goalId}`;
    this.#groups.add(source, event);
  }

  /** The warnings as a table by reason; empty when there were none. */
  report(): string {
    if (this.#count === 0) return '';
    return `Warnings while reading goals (${this.#count}), by reason:\n${warningTable(this.#groups.list())}`;
  }
}
