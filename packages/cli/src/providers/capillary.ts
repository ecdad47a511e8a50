import {
  CAPILLARY_CLUSTERS,
  type CapillaryAdapterOptions,
  type CapillaryCluster,
  capillaryRateLimits,
  createCapillaryAdapter,
} from '@goalbridge/capillary';
import {
  CAPILLARY_SANDBOX,
  createCapillarySimulator,
  generateCapillaryTargetGroups,
} from '@goalbridge/capillary/testing';
import { ConfigError } from '@goalbridge/core';
import {
  missingSetting,
  type ProviderEntry,
  positiveSetting,
  type SettingValues,
} from '../provider-registry.ts';

/** The sandbox's limit: Capillary's demo clusters allow 100 to 1,000 requests a minute (reference §1.5). */
const SANDBOX_REQUESTS_PER_MINUTE = 1000;

function auth(entry: ProviderEntry, settings: SettingValues): CapillaryAdapterOptions['auth'] {
  // Both kinds at once are refused before (`alternative`).
  if (settings.key !== undefined || settings.secret !== undefined) {
    if (!settings.key) throw missingSetting(entry, 'key');
    if (!settings.secret) throw missingSetting(entry, 'secret');
    return { type: 'oauth', key: settings.key, secret: settings.secret };
  }
  if (!settings.username) throw missingSetting(entry, 'username', 'key');
  if (!settings.password) throw missingSetting(entry, 'password');
  return { type: 'basic', username: settings.username, password: settings.password };
}

export const capillary: ProviderEntry = {
  name: 'capillary',
  title: 'Capillary target groups (API v3)',
  settings: [
    {
      name: 'username',
      env: 'CAPILLARY_USERNAME',
      flag: 'capillary-username',
      secret: false,
      description: 'till username (Basic auth)',
      alternative: { group: 'credentials', choice: 'basic' },
    },
    {
      name: 'password',
      env: 'CAPILLARY_PASSWORD',
      flag: 'capillary-password',
      secret: true,
      description: 'till password; its MD5 is sent (Basic auth)',
      alternative: { group: 'credentials', choice: 'basic' },
    },
    {
      name: 'key',
      env: 'CAPILLARY_KEY',
      flag: 'capillary-key',
      secret: false,
      description: 'OAuth client key (instead of Basic auth)',
      alternative: { group: 'credentials', choice: 'oauth' },
    },
    {
      name: 'secret',
      env: 'CAPILLARY_SECRET',
      flag: 'capillary-secret',
      secret: true,
      description: 'OAuth client secret',
      alternative: { group: 'credentials', choice: 'oauth' },
    },
    {
      name: 'cluster',
      env: 'CAPILLARY_CLUSTER',
      flag: 'capillary-cluster',
      secret: false,
      description: `cluster: ${Object.keys(CAPILLARY_CLUSTERS).join(', ')} (default eu)`,
      alternative: { group: 'host', choice: 'cluster' },
    },
    {
      name: 'baseURL',
      env: 'CAPILLARY_BASE_URL',
      flag: 'capillary-base-url',
      secret: false,
      description: 'API origin instead of a cluster (/v3 is appended)',
      alternative: { group: 'host', choice: 'url' },
    },
    {
      name: 'tillId',
      env: 'CAPILLARY_TILL_ID',
      flag: 'capillary-till-id',
      secret: false,
      description: 'till new groups are attributed to (preferredTillId)',
    },
    {
      name: 'requestsPerMinute',
      env: 'CAPILLARY_REQUESTS_PER_MINUTE',
      flag: 'capillary-requests-per-minute',
      secret: false,
      description: 'request limit to keep under (default 100)',
      setsLimits: true,
    },
  ],
  capabilities() {
    return createCapillaryAdapter({ auth: CAPILLARY_SANDBOX.basic }).capabilities;
  },
  create(settings, { hooks }) {
    const cluster = settings.cluster;
    if (cluster !== undefined && !Object.hasOwn(CAPILLARY_CLUSTERS, cluster)) {
      throw new ConfigError(
        `capillary: CAPILLARY_CLUSTER must be one of ${Object.keys(CAPILLARY_CLUSTERS).join(', ')}`,
        { provider: 'capillary' },
      );
    }
    const tillId = positiveSetting(this, 'tillId', settings.tillId);
    const perMinute = positiveSetting(this, 'requestsPerMinute', settings.requestsPerMinute);
    return createCapillaryAdapter({
      auth: auth(this, settings),
      ...(cluster ? { cluster: cluster as CapillaryCluster } : {}),
      ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
      ...(tillId ? { preferredTillId: tillId } : {}),
      ...(perMinute ? { rateLimits: capillaryRateLimits(perMinute) } : {}),
      ...(hooks ? { hooks } : {}),
    });
  },
  async startSandbox({ goals = 0, seed = 1, port }) {
    const simulator = createCapillarySimulator({ seed, rateLimit: { limit: SANDBOX_REQUESTS_PER_MINUTE } });
    if (goals > 0) simulator.seedGroups(generateCapillaryTargetGroups({ count: goals, seed }));
    const server = await simulator.listen(port === undefined ? {} : { port });
    return {
      url: server.url,
      env: {
        CAPILLARY_BASE_URL: server.url,
        CAPILLARY_USERNAME: CAPILLARY_SANDBOX.basic.username,
        CAPILLARY_PASSWORD: CAPILLARY_SANDBOX.basic.password,
        CAPILLARY_TILL_ID: String(CAPILLARY_SANDBOX.till.id),
        CAPILLARY_REQUESTS_PER_MINUTE: String(SANDBOX_REQUESTS_PER_MINUTE),
      },
      description: `Capillary with ${goals} target groups`,
      close: () => server.close(),
    };
  },
};
