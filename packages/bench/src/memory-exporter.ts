/**
 * The measured exporter of the memory row: every goal of a Plannr server to NDJSON with the real adapter's
 * paginated `list()` and `exportNdjson`. Credentials in PLANNR_ACCESS_TOKEN and PLANNR_ACCOUNT_UUID; command
 * line in `memory-export-run.ts`.
 */
import { exportNdjson } from '@goalbridge/core';
import { createPlannrAdapter } from '@goalbridge/plannr';
import { runExport } from './memory-export-run.ts';

await runExport((baseURL) => {
  const adapter = createPlannrAdapter({
    accessToken: process.env.PLANNR_ACCESS_TOKEN ?? '',
    accountUuid: process.env.PLANNR_ACCOUNT_UUID ?? '',
    baseURL,
  });
  return exportNdjson(adapter.list());
});
