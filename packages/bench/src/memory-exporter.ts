/**
 * The measured process of the memory row: exports every goal of a Plannr server to an NDJSON file with the
 * real adapter and `exportNdjson` (backpressure from the file stream), then prints its peak resident set size
 * as JSON. `idle` only loads the same modules and builds the adapter: the floor every run starts from.
 * `live` (run with --expose-gc; a diagnostic, not the measured run) collects garbage every 10,000 goals and
 * records the heap still in use: what the export really holds on to, apart from garbage not yet collected.
 * Every run samples its RSS every 10,000 goals.
 *
 * Usage: memory-exporter.ts <baseURL> <outFile|idle> [live]; credentials in PLANNR_ACCESS_TOKEN and
 * PLANNR_ACCOUNT_UUID.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportNdjson } from '@goalbridge/core';
import { createPlannrAdapter } from '@goalbridge/plannr';

export interface ExportReport {
  goals: number;
  bytes: number;
  durationMs: number;
  /** Peak RSS of this process, bytes (`process.resourceUsage().maxRSS`). */
  peakRssBytes: number;
  /** Heap in use at the end, bytes. */
  heapUsedBytes: number;
  /** Resident set size every 10,000 goals, bytes: where the peak is reached, and whether it levels off. */
  rssBytes: number[];
  /** `live` mode: heap in use after a full collection, every 10,000 goals. */
  liveHeapBytes?: number[];
}

const SAMPLE_EVERY = 10_000;
const [baseURL, out, mode] = process.argv.slice(2);
const collect = mode === 'live' ? (globalThis as { gc?: () => void }).gc : undefined;
if (mode === 'live' && !collect) throw new Error('live mode needs --expose-gc');
const liveHeapBytes: number[] = [];
const rssBytes: number[] = [];
if (!baseURL || !out) throw new Error('usage: memory-exporter.ts <baseURL> <outFile|idle>');
const adapter = createPlannrAdapter({
  accessToken: process.env.PLANNR_ACCESS_TOKEN ?? '',
  accountUuid: process.env.PLANNR_ACCOUNT_UUID ?? '',
  baseURL,
});

let goals = 0;
let bytes = 0;
const started = performance.now();
if (out !== 'idle') {
  async function* lines(): AsyncGenerator<string> {
    for await (const line of exportNdjson(adapter.list())) {
      goals++;
      bytes += Buffer.byteLength(line);
      if (goals % SAMPLE_EVERY === 0) {
        rssBytes.push(process.memoryUsage.rss());
        if (collect) {
          collect();
          liveHeapBytes.push(process.memoryUsage().heapUsed);
        }
      }
      yield line;
    }
  }
  await pipeline(Readable.from(lines()), createWriteStream(out));
}
const report: ExportReport = {
  goals,
  bytes,
  durationMs: performance.now() - started,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  heapUsedBytes: process.memoryUsage().heapUsed,
  rssBytes,
  ...(collect ? { liveHeapBytes } : {}),
};
console.log(JSON.stringify(report));
