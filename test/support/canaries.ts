/**
 * Canary credentials: fake secrets the simulators accept and that appear nowhere else, so a test can look for
 * them in everything a run emits. A leak can take other shapes than the value itself — Capillary sends the MD5
 * of the till password inside a Basic header — so every shape a credential travels in is looked for.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import {
  CAPILLARY_SANDBOX,
  createCapillarySimulator,
  generateCapillaryTargetGroups,
} from '@goalbridge/capillary/testing';
import { type RunningServer, type Simulator, serve } from '@goalbridge/core/simulator';
import { createPipedriveSimulator, generatePipedriveDataset } from '@goalbridge/pipedrive/testing';
import { createPlannrSimulator, generatePlannrGoals, PLANNR_SANDBOX } from '@goalbridge/plannr/testing';

/** Every canary holds this word; no other text in the suite does. */
export const CANARY_MARK = 'CANARY';

export const CANARIES = {
  pipedriveApiToken: 'CANARY-PIPEDRIVE-API-TOKEN-3b9f27d1e5',
  pipedriveAccessToken: 'CANARY-PIPEDRIVE-OAUTH-TOKEN-8c41e0aa77',
  plannrAccessToken: 'CANARY-PLANNR-ACCESS-TOKEN-51d0c7e2b3',
  capillaryPassword: 'CANARY-CAPILLARY-PASSWORD-a6e2f9130c',
  capillarySecret: 'CANARY-CAPILLARY-OAUTH-SECRET-0d7b5c4419',
  /** Refused by every simulator: for the wrong-credential paths. */
  wrong: 'CANARY-WRONG-TOKEN-f00dfacade',
} as const;

/** Identifiers that go with the canaries; not secret, and without the mark. */
export const CAPILLARY_USERNAME = 'till.secrets-suite';
export const CAPILLARY_KEY = 'client-secrets-suite';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** The shapes a canary may travel in, besides itself. */
function derivedForms(): string[] {
  const passwordHash = md5(CANARIES.capillaryPassword);
  return [
    passwordHash,
    btoa(`${CAPILLARY_USERNAME}:${passwordHash}`),
    ...Object.values(CANARIES).map((value) => btoa(value)),
  ];
}

/** Secrets a simulator hands out during a run (Capillary OAuth access tokens), looked for as well. */
export const issuedTokens = new Set<string>();

/** What in `text` looks like a credential: a canary (even cut short), a derived form or an issued token. */
export function leaksIn(text: string): string[] {
  const found: string[] = [];
  if (text.toUpperCase().includes(CANARY_MARK)) {
    const at = text.toUpperCase().indexOf(CANARY_MARK);
    found.push(`…${text.slice(Math.max(0, at - 40), at + 40)}…`);
  }
  for (const form of [...derivedForms(), ...issuedTokens]) if (text.includes(form)) found.push(form);
  return found;
}

/** Everything an error can show: message, stack, JSON, and what `console.log` would print. */
export function errorTexts(error: unknown): string[] {
  if (!(error instanceof Error)) return [String(error)];
  const json = (error as { toJSON?: () => unknown }).toJSON?.();
  return [
    error.message,
    String(error.stack),
    JSON.stringify(json ?? {}),
    inspect(error, { depth: 10, showHidden: true }),
  ];
}

export type CanaryProvider = 'pipedrive' | 'plannr' | 'capillary';

export interface CanaryServers {
  /** Servers that answer every request with a 401 echoing what they were sent (credentials included). */
  echoing: Set<CanaryProvider>;
  pipedrive: Simulator;
  plannr: Simulator;
  capillary: Simulator;
  /** The CLI environment for Pipedrive (API token), Plannr and Capillary (Basic). */
  env: Record<string, string>;
  urls: { pipedrive: string; plannr: string; capillary: string };
  close(): Promise<void>;
}

export function canarySimulators(goals = 6) {
  const dataset = generatePipedriveDataset({ goals });
  const pipedrive = createPipedriveSimulator({
    plan: 'ultimate',
    dataset,
    users: [
      {
        id: 1,
        name: 'Secrets Suite',
        apiToken: CANARIES.pipedriveApiToken,
        oauthTokens: [{ token: CANARIES.pipedriveAccessToken, scopes: ['base', 'goals:full'] }],
      },
      ...dataset.users.slice(1),
    ],
  });
  const plannr = createPlannrSimulator({
    users: [{ accessToken: CANARIES.plannrAccessToken, accountUuid: PLANNR_SANDBOX.accountUuid }],
    goals: generatePlannrGoals(goals),
  });
  const capillary = createCapillarySimulator({
    basicUsers: [{ username: CAPILLARY_USERNAME, password: CANARIES.capillaryPassword }],
    oauthClients: [{ key: CAPILLARY_KEY, secret: CANARIES.capillarySecret }],
  });
  capillary.seedGroups(generateCapillaryTargetGroups({ count: goals }));
  return { pipedrive, plannr, capillary };
}

/** Notes the access tokens a Capillary simulator issues, so they are looked for too. */
export async function noteIssuedTokens(request: Request, response: Response): Promise<Response> {
  if (!request.url.includes('oauth/token/generate') || !response.ok) return response;
  const body = (await response.clone().json()) as { data?: { accessToken?: string } };
  if (body.data?.accessToken) issuedTokens.add(body.data.accessToken);
  return response;
}

/** A fetch to `simulator` that notes issued tokens. */
export function tokenNotingFetch(simulator: Simulator): typeof globalThis.fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    return noteIssuedTokens(request, await simulator.fetch(request.clone()));
  };
}

/** What a request carried, credentials included: headers, and the body of a token request. */
export async function echoOf(request: Request): Promise<string> {
  const headers = [...request.headers].map(([name, value]) => `${name}: ${value}`).join('; ');
  return `${request.method} ${request.url} | ${headers} | ${await request.clone().text()}`;
}

/** A 401 that echoes the request back, as careless servers do. */
export async function echoRefusal(request: Request): Promise<Response> {
  const echo = await echoOf(request);
  return new Response(JSON.stringify({ success: false, error: `unauthorized: ${echo}`, message: echo }), {
    status: 401,
    headers: { 'content-type': 'application/json' },
  });
}

/** The canary simulators on localhost, for the real binary. */
export async function startCanaryServers(goals = 6): Promise<CanaryServers> {
  const simulators = canarySimulators(goals);
  const echoing = new Set<CanaryProvider>();
  const listen = (name: CanaryProvider): Promise<RunningServer> =>
    serve(async (request) => {
      if (echoing.has(name)) return echoRefusal(request);
      return noteIssuedTokens(request, await simulators[name].handle(request));
    });
  const [pipedrive, plannr, capillary] = await Promise.all([
    listen('pipedrive'),
    listen('plannr'),
    listen('capillary'),
  ]);
  const urls = {
    pipedrive: `${pipedrive.url}/v1`,
    plannr: `${plannr.url}/api/v2`,
    capillary: capillary.url,
  };
  return {
    ...simulators,
    echoing,
    urls,
    env: {
      PIPEDRIVE_BASE_URL: urls.pipedrive,
      PIPEDRIVE_API_TOKEN: CANARIES.pipedriveApiToken,
      PIPEDRIVE_PLAN: 'ultimate',
      PIPEDRIVE_DEFAULT_INTERVAL: 'monthly',
      PLANNR_BASE_URL: urls.plannr,
      PLANNR_ACCESS_TOKEN: CANARIES.plannrAccessToken,
      PLANNR_ACCOUNT_UUID: PLANNR_SANDBOX.accountUuid,
      CAPILLARY_BASE_URL: urls.capillary,
      CAPILLARY_USERNAME,
      CAPILLARY_PASSWORD: CANARIES.capillaryPassword,
      CAPILLARY_TILL_ID: String(CAPILLARY_SANDBOX.till.id),
      CAPILLARY_REQUESTS_PER_MINUTE: '1000',
    },
    close: async () => {
      await Promise.all([pipedrive.close(), plannr.close(), capillary.close()]);
    },
  };
}
