/**
 * Fixed credentials and people the default simulator knows, so the CLI sandbox, the demo, migrations (owner
 * maps need real client account UUIDs) and benchmarks work with no setup. UUIDs are taken from Plannr's doc
 * examples where there is one [S1, S2, S3], so the documented requests run against the sandbox as written.
 */
import { PLANNR_BASE_URL } from '../plannr-api.ts';

export type PlannrClientRole = 'individual' | 'joint' | 'trust' | 'business';

/** A client account: a goal's possible owner (reference §2.3: type `client`, roles [S18]). */
export interface PlannrSandboxAccount {
  uuid: string;
  firstName: string;
  lastName: string;
  role: PlannrClientRole;
  email: string;
}

/** A circle: a named group of 2–50 accounts [S10]. */
export interface PlannrSandboxCircle {
  uuid: string;
  name: string;
  accountUuids: readonly string[];
}

const client = (
  uuid: string,
  firstName: string,
  lastName: string,
  role: PlannrClientRole,
): PlannrSandboxAccount => ({
  uuid,
  firstName,
  lastName,
  role,
  email: `${`${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '')}@example.co.uk`,
});

const CLIENT_ACCOUNTS = [
  client('ecdeabf7-43b0-482b-977b-c29259480484', 'Gareth', 'Thompson', 'individual'),
  client('26600f83-c545-42f9-a2b9-a4c1b17d41b5', 'Emily', 'Clarke', 'individual'),
  client('fb2b93ef-ab52-4c0c-8ba5-ca284af71200', 'Priya', 'Shah', 'individual'),
  client('99ec751b-b1eb-4f5f-b201-835b2bd8f555', 'Tom', 'Jones', 'joint'),
  client('a06efd8a-88ba-42f4-a718-bae86d1af803', 'Sarah', 'Jones', 'joint'),
  client('57ed4f1b-d0a8-42cb-a3f1-4785594b73fc', 'Hannah', 'Patel', 'individual'),
  client('c1a5e0d2-7f4b-4e8a-9d3c-2b6f8a1e5c47', 'Thompson Family', 'Trust', 'trust'),
  client('8d2f6b1a-3c4e-4f5a-b7d9-0e1c2a3b4d5f', 'Clarke & Co', 'Ltd', 'business'),
] as const satisfies readonly PlannrSandboxAccount[];

const CIRCLES = [
  {
    uuid: '3d2a1c6c-b5d1-4832-bc9a-c8a52b6ed625',
    name: 'Jones Family',
    accountUuids: ['99ec751b-b1eb-4f5f-b201-835b2bd8f555', 'a06efd8a-88ba-42f4-a718-bae86d1af803'],
  },
  {
    uuid: '2588a327-017e-4c59-8486-227e807201c3',
    name: 'Thompson Family',
    accountUuids: ['ecdeabf7-43b0-482b-977b-c29259480484', 'c1a5e0d2-7f4b-4e8a-9d3c-2b6f8a1e5c47'],
  },
  {
    uuid: 'bef748ac-7a51-44ea-a7c2-32315af3acaa',
    name: 'Clarke Household',
    accountUuids: ['26600f83-c545-42f9-a2b9-a4c1b17d41b5', '8d2f6b1a-3c4e-4f5a-b7d9-0e1c2a3b4d5f'],
  },
  {
    uuid: '7bae90db-51eb-42ca-aa46-73ff24a03b3b',
    name: 'Patel & Shah',
    accountUuids: ['57ed4f1b-d0a8-42cb-a3f1-4785594b73fc', 'fb2b93ef-ab52-4c0c-8ba5-ca284af71200'],
  },
] as const satisfies readonly PlannrSandboxCircle[];

/**
 * What the default simulator accepts: a token, the employee account to act as (the docs' example account
 * header value), the firm's client accounts and circles.
 */
export const PLANNR_SANDBOX = {
  baseURL: PLANNR_BASE_URL,
  accessToken: 'plannr-sandbox-personal-access-token',
  accountUuid: '0cc5c3a9-30c3-4236-92cc-2ffcf2de522f',
  adviser: { firstName: 'Alex', lastName: 'Morgan', role: 'admin' },
  clientAccounts: CLIENT_ACCOUNTS,
  circles: CIRCLES,
} as const;
