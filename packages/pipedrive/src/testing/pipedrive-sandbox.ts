/**
 * Fixed sandbox credentials and account data the default simulator accepts, so the CLI `sandbox`/`demo` and
 * tests run with no setup. Nothing here is a real Pipedrive credential.
 */
import type { PipedriveCurrency } from '../pipedrive-api.ts';

export interface PipedriveSimulatorUser {
  id: number;
  name: string;
  /** API token of this user (accepted in `x-api-token` or, legacy, `?api_token=`). */
  apiToken?: string;
  /** OAuth access tokens of this user and their scopes (`goals:read`, `goals:full`, `base`). */
  oauthTokens?: readonly { token: string; scopes: readonly string[] }[];
}

export interface PipedriveSimulatorTeam {
  id: number;
  name: string;
  userIds: readonly number[];
}

/** Credentials the default simulator accepts: pass them to `createPipedriveAdapter`. */
export const PIPEDRIVE_SANDBOX = {
  apiToken: '5a9c0de2b7f14e3a8d6c1b0f9e8d7c6b5a4f3e2d',
  accessToken: 'v1u:sandbox-oauth-access-token-goalbridge',
  companyDomain: 'goalbridge-sandbox',
  companyId: 7001,
  userId: 1,
} as const;

export const SANDBOX_USER: PipedriveSimulatorUser = {
  id: PIPEDRIVE_SANDBOX.userId,
  name: 'Sandbox Admin',
  apiToken: PIPEDRIVE_SANDBOX.apiToken,
  oauthTokens: [{ token: PIPEDRIVE_SANDBOX.accessToken, scopes: ['base', 'goals:full'] }],
};

const currency = (
  id: number,
  code: string,
  name: string,
  symbol: string,
  decimalPoints = 2,
  custom = false,
): PipedriveCurrency => ({
  id,
  code,
  name,
  decimal_points: decimalPoints,
  symbol,
  active_flag: true,
  is_custom_flag: custom,
});

/** The account's currencies as `GET /v1/currencies` lists them; ids are account-specific in real accounts. */
export const SANDBOX_CURRENCIES: readonly PipedriveCurrency[] = [
  currency(1, 'EUR', 'Euro', '€'),
  currency(2, 'USD', 'US Dollar', '$'),
  currency(3, 'GBP', 'Pound Sterling', '£'),
  currency(4, 'SEK', 'Swedish Krona', 'kr'),
  currency(5, 'CHF', 'Swiss Franc', 'CHF'),
  currency(6, 'JPY', 'Japanese Yen', '¥', 0),
  currency(7, 'PLN', 'Polish Zloty', 'zł'),
  currency(8, 'BRL', 'Brazilian Real', 'R$'),
  currency(9, 'KWD', 'Kuwaiti Dinar', 'KD', 3),
  currency(10, 'AUD', 'Australian Dollar', 'A$'),
  // A custom currency: Pipedrive lets accounts add their own, with codes outside ISO 4217.
  currency(30, 'PTS', 'Loyalty points', 'pts', 0, true),
];

/** Pipelines and their stages in the sandbox account (for goal params and seeded deals). */
export const SANDBOX_PIPELINES: readonly { id: number; name: string; stageIds: readonly number[] }[] = [
  { id: 1, name: 'New business', stageIds: [1, 2, 3, 4, 5] },
  { id: 2, name: 'Renewals', stageIds: [6, 7, 8, 9] },
  { id: 3, name: 'Partners', stageIds: [10, 11, 12] },
];

/** Activity types in the sandbox account. */
export const SANDBOX_ACTIVITY_TYPES: readonly { id: number; key: string }[] = [
  { id: 1, key: 'call' },
  { id: 2, key: 'meeting' },
  { id: 3, key: 'task' },
  { id: 4, key: 'deadline' },
  { id: 5, key: 'email' },
  { id: 6, key: 'lunch' },
];
