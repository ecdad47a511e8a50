import { ConfigError } from '@goalbridge/core';
import {
  createPipedriveAdapter,
  PIPEDRIVE_INTERVALS,
  PIPEDRIVE_PLANS,
  type PipedriveAdapterOptions,
  type PipedriveInterval,
  type PipedrivePlan,
} from '@goalbridge/pipedrive';
import {
  generatePipedriveDataset,
  PIPEDRIVE_SANDBOX,
  startPipedriveSandbox,
} from '@goalbridge/pipedrive/testing';
import { missingSetting, type ProviderEntry, positiveSetting } from '../provider-registry.ts';

function oneOf<T extends string>(
  entry: ProviderEntry,
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (allowed.includes(value as T)) return value as T;
  const setting = entry.settings.find((candidate) => candidate.name === name);
  throw new ConfigError(`pipedrive: ${setting?.env ?? name} must be one of ${allowed.join(', ')}`, {
    provider: 'pipedrive',
  });
}

export const pipedrive: ProviderEntry = {
  name: 'pipedrive',
  title: 'Pipedrive Goals (API v1)',
  settings: [
    {
      name: 'apiToken',
      env: 'PIPEDRIVE_API_TOKEN',
      flag: 'pipedrive-api-token',
      secret: true,
      description: 'API token',
      alternative: { group: 'credentials', choice: 'api-token' },
    },
    {
      name: 'accessToken',
      env: 'PIPEDRIVE_ACCESS_TOKEN',
      flag: 'pipedrive-access-token',
      secret: true,
      description: 'OAuth access token (instead of an API token)',
      alternative: { group: 'credentials', choice: 'oauth' },
    },
    {
      name: 'companyDomain',
      env: 'PIPEDRIVE_COMPANY_DOMAIN',
      flag: 'pipedrive-company-domain',
      secret: false,
      description: 'company domain: <domain>.pipedrive.com',
      alternative: { group: 'host', choice: 'domain' },
    },
    {
      name: 'baseURL',
      env: 'PIPEDRIVE_BASE_URL',
      flag: 'pipedrive-base-url',
      secret: false,
      description: 'API base URL (default https://api.pipedrive.com/v1)',
      alternative: { group: 'host', choice: 'url' },
    },
    {
      name: 'plan',
      env: 'PIPEDRIVE_PLAN',
      flag: 'pipedrive-plan',
      secret: false,
      description: `plan for the rate limits: ${PIPEDRIVE_PLANS.join(', ')}`,
      setsLimits: true,
    },
    {
      name: 'seats',
      env: 'PIPEDRIVE_SEATS',
      flag: 'pipedrive-seats',
      secret: false,
      description: 'seats on the plan (daily token budget)',
      setsLimits: true,
    },
    {
      name: 'defaultInterval',
      env: 'PIPEDRIVE_DEFAULT_INTERVAL',
      flag: 'pipedrive-default-interval',
      secret: false,
      description: `interval for goals without one: ${PIPEDRIVE_INTERVALS.join(', ')}`,
    },
  ],
  capabilities() {
    return createPipedriveAdapter({ apiToken: PIPEDRIVE_SANDBOX.apiToken }).capabilities;
  },
  create(settings, { hooks }) {
    if (!settings.apiToken && !settings.accessToken) throw missingSetting(this, 'apiToken', 'accessToken');
    const seats = positiveSetting(this, 'seats', settings.seats);
    const plan = oneOf<PipedrivePlan>(this, 'plan', settings.plan, PIPEDRIVE_PLANS);
    const defaultInterval = oneOf<PipedriveInterval>(
      this,
      'defaultInterval',
      settings.defaultInterval,
      PIPEDRIVE_INTERVALS,
    );
    const options: PipedriveAdapterOptions = {
      ...(settings.apiToken ? { apiToken: settings.apiToken } : {}),
      ...(settings.accessToken ? { accessToken: settings.accessToken } : {}),
      ...(settings.companyDomain ? { companyDomain: settings.companyDomain } : {}),
      ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
      ...(plan ? { plan } : {}),
      ...(seats ? { seats } : {}),
      ...(defaultInterval ? { defaultInterval } : {}),
      ...(hooks ? { hooks } : {}),
    };
    return createPipedriveAdapter(options);
  },
  async startSandbox({ goals = 300, seed = 1, port }) {
    const sandbox = await startPipedriveSandbox({
      plan: 'growth',
      dataset: generatePipedriveDataset({ seed, goals }),
      ...(port === undefined ? {} : { serve: { port } }),
    });
    return {
      url: sandbox.server.url,
      env: {
        PIPEDRIVE_BASE_URL: sandbox.baseURL,
        PIPEDRIVE_API_TOKEN: PIPEDRIVE_SANDBOX.apiToken,
        PIPEDRIVE_PLAN: 'growth',
      },
      description: `Pipedrive with ${goals} goals`,
      close: sandbox.close,
    };
  },
};
