/**
 * What both exporters of the memory row share: the command line, the sampling, the file written with
 * backpressure, and the report printed as JSON. Each exporter only says where its NDJSON lines come from.
 *
 * Command line: <baseURL> <outFile|idle> [live]. `idle` writes nothing: the floor of the loaded modules.
 * `live` (run with --expose-gc; a diagnostic, not a measured run) collects garbage every 10,000 goals and
 * records the heap still in use: what the export really holds on to, apart from garbage not yet collected.
 * Every run samples its RSS every 10,000 goals.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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

/** Reads the command line, writes the lines `exportFrom(baseURL)` gives to the file, and prints the report. */
export async function runExport(exportFrom: (baseURL: string) => AsyncIterable<string>): Promise<void> {
  const [baseURL, out, mode] = process.argv.slice(2);
  if (!baseURL || !out) throw new Error('usage: <exporter> <baseURL> <outFile|idle> [live]');
  const collect = mode === 'live' ? (globalThis as { gc?: () => void }).gc : undefined;
  if (mode === 'live' && !collect) throw new Error('live mode needs --expose-gc');
  const report: ExportReport = {
    goals: 0,
    bytes: 0,
    durationMs: 0,
    peakRssBytes: 0,
    heapUsedBytes: 0,
    rssBytes: [],
  };
  if (collect) report.liveHeapBytes = [];

  // Built before `idle` returns, so the floor holds the exporter's client; its lines are read only when pulled.
  const lines = exportFrom(baseURL);
  async function* sampled(): AsyncGenerator<string> {
    for await (const line of lines) {
      report.goals++;
      report.bytes += Buffer.byteLength(line);
      if (report.goals % SAMPLE_EVERY === 0) {
        report.rssBytes.push(process.memoryUsage.rss());
        if (collect) {
          collect();
          report.liveHeapBytes?.push(process.memoryUsage().heapUsed);
        }
      }
      yield line;
    }
  }

  const started = performance.now();
  if (out !== 'idle') await pipeline(Readable.from(sampled()), createWriteStream(out));
  report.durationMs = performance.now() - started;
  report.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  report.heapUsedBytes = process.memoryUsage().heapUsed;
  console.log(JSON.stringify(report));
}
