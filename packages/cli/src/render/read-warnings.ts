/** Warnings raised while reading goals, gathered for one report when the command ends. */
import { type HttpHooks, type WarningEvent, WarningGroups } from '@goalbridge/core';
import { warningTable } from './summary.ts';

export class ReadWarnings {
  readonly #groups = new WarningGroups();

  /** The hooks every adapter of the command is given. */
  readonly hooks: HttpHooks = { onWarning: (event) => this.#add(event) };

  #add(event: WarningEvent): void {
    const source =
      event.goalId === undefined
        ? `${event.provider} ${event.operation}`
        : `${event.provider}:${event.goalId}`;
    this.#groups.add(source, event);
  }

  /** The warnings as a table by reason; empty when there were none. */
  report(): string {
    const groups = this.#groups.list();
    // As the table counts them: a goal read twice (again after a lost answer) tells its warnings once.
    const count = groups.reduce((sum, group) => sum + group.count, 0);
    if (count === 0) return '';
    return `Warnings while reading goals (${count}), by reason:\n${warningTable(groups)}`;
  }
}
