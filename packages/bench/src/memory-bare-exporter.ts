/**
 * The baseline exporter of the memory row: what a user writes with `fetch` alone. The same pages the adapter
 * asks for (the section checks that the requests match), each goal written as it came, with no validation and
 * no mapping. Credentials and command line as for `memory-exporter.ts`.
 */
import { runExport } from './memory-export-run.ts';

interface Page {
  data: unknown[];
  meta: { current_page: number; last_page: number };
}

async function* plannrGoalLines(baseURL: string): AsyncGenerator<string> {
  const headers = {
    accept: 'application/json',
    authorization: `Bearer ${process.env.PLANNR_ACCESS_TOKEN ?? ''}`,
    'x-plannr-account-uuid': process.env.PLANNR_ACCOUNT_UUID ?? '',
  };
  for (let page = 1; ; page++) {
    const query = `include=accounts,visible_to_circles&sort=created_at&per_page=500&page=${page}`;
    const response = await fetch(`${baseURL}/goals?${query}`, { headers });
    if (!response.ok) throw new Error(`page ${page}: HTTP ${response.status}`);
    const { data, meta } = (await response.json()) as Page;
    for (const goal of data) yield `${JSON.stringify(goal)}\n`;
    if (data.length === 0 || meta.current_page >= meta.last_page) return;
  }
}

await runExport(plannrGoalLines);
