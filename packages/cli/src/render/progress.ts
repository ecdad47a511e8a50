/**
 * A progress bar with rate and ETA for a TTY (on stderr, redrawn at most ten times a second), or one NDJSON
 * event per item when the output is piped.
 */
import type { ApplyEvent } from '@goalbridge/core';
import type { Output } from '../io.ts';
import { duration, jsonLine } from './format.ts';

export type ProgressReporter = (event: ApplyEvent) => void;

export function progressBar(
  output: Output,
  label: string,
  now: () => number = () => performance.now(),
): ProgressReporter {
  let total: number | undefined;
  let done = 0;
  let started = now();
  let drawn = 0;
  const draw = (final = false) => {
    const time = now();
    if (!final && time - drawn < 100) return;
    drawn = time;
    const elapsed = (time - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const width = 24;
    const share = total ? Math.min(1, done / total) : 0;
    const bar = total ? `${'█'.repeat(Math.round(share * width)).padEnd(width, '░')} ` : '';
    const count = total ? `${done}/${total} ${Math.round(share * 100)}%` : `${done}`;
    const eta = total && rate > 0 && done < total ? ` · ETA ${duration(((total - done) / rate) * 1000)}` : '';
    output.write(`\r${label} ${bar}${count} · ${rate.toFixed(1)}/s${eta}\u001b[K${final ? '\n' : ''}`);
  };
  return (event) => {
    if (event.type === 'start') {
      total = event.total;
      started = now();
      draw(true);
    } else if (event.type === 'item') {
      done++;
      draw();
    } else if (event.type === 'done' || event.type === 'stopped') {
      if (event.type === 'done') draw(true);
    }
  };
}

/** One JSON line per event, for pipes. */
export function progressLines(output: Output): ProgressReporter {
  return (event) => {
    if (event.type === 'done') return;
    output.write(jsonLine({ event: event.type, ...withoutType(event) }));
  };
}

function withoutType(event: ApplyEvent): Record<string, unknown> {
  const { type: _type, ...rest } = event;
  return rest;
}
