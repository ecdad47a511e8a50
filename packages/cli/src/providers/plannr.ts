import { createPlannrAdapter } from '@goalbridge/plannr';
import { generatePlannrGoals, PLANNR_SANDBOX, startPlannrSandbox } from '@goalbridge/plannr/testing';
import { missingSetting, type ProviderEntry } from '../provider-registry.ts';

export const plannr: ProviderEntry = {
  name: 'plannr',
  title: 'Plannr CRM goals (API v2)',
  settings: [
    {
      name: 'accessToken',
      env: 'PLANNR_ACCESS_TOKEN',
      flag: 'plannr-access-token',
      secret: true,
      description: 'personal access token or OAuth access token',
    },
    {
      name: 'accountUuid',
      env: 'PLANNR_ACCOUNT_UUID',
      flag: 'plannr-account-uuid',
      secret: false,
      description: 'account to act as (X-PLANNR-ACCOUNT-UUID)',
    },
    {
      name: 'baseURL',
      env: 'PLANNR_BASE_URL',
      flag: 'plannr-base-url',
      secret: false,
      description: 'API base URL (default https://api.plannrcrm.com/api/v2)',
    },
  ],
  capabilities() {
    return createPlannrAdapter({
      accessToken: PLANNR_SANDBOX.accessToken,
      accountUuid: PLANNR_SANDBOX.accountUuid,
    }).capabilities;
  },
  create(settings, { hooks }) {
    if (!settings.accessToken) throw missingSetting(this, 'accessToken');
    if (!settings.accountUuid) throw missingSetting(this, 'accountUuid');
    return createPlannrAdapter({
      accessToken: settings.accessToken,
      accountUuid: settings.accountUuid,
      ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
      ...(hooks ? { hooks } : {}),
    });
  },
  async startSandbox({ goals = 0, seed = 1, port }) {
    const sandbox = await startPlannrSandbox({
      seed,
      goals: goals > 0 ? generatePlannrGoals(goals, { seed }) : [],
      ...(port === undefined ? {} : { serve: { port } }),
    });
    // With their UUIDs: an owner map or --default-owner names client accounts by UUID.
    const clients = PLANNR_SANDBOX.clientAccounts
      .map((account) => `${account.firstName} ${account.lastName} (${account.uuid})`)
      .join(', ');
    return {
      url: sandbox.server.url,
      env: {
        PLANNR_BASE_URL: sandbox.baseURL,
        PLANNR_ACCESS_TOKEN: PLANNR_SANDBOX.accessToken,
        PLANNR_ACCOUNT_UUID: PLANNR_SANDBOX.accountUuid,
      },
      description: `Plannr with ${goals} goals and client accounts ${clients}`,
      targetFlags: ['--default-owner', `account:${PLANNR_SANDBOX.clientAccounts[0].uuid}`],
      close: sandbox.close,
    };
  },
};
