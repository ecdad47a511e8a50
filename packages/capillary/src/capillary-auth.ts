/**
 * Credential headers for both of Capillary's schemes (reference §1.2):
 * - Basic: `Authorization: Basic base64(<till username>:<md5 hex of password>)`;
 * - OAuth: `POST /v3/oauth/token/generate {key, secret}` → `{accessToken, ttlSeconds}` (or `expiresIn`, see
 *   OAuthTokenSchema), then `X-CAP-API-OAUTH-TOKEN: <token>` on every call. The token is renewed before its
 *   lifetime runs out and once more when the server calls it expired (401, or 498 from TokenExpiredException).
 *   Concurrent requests share one token request, which retries on its own; each waits for it only within its
 *   own signal and time limit.
 */
import {
  AuthError,
  alreadyRetried,
  bodyExcerpt,
  type HttpClient,
  type HttpRequest,
  parseResponseOrThrow,
  readSecret,
  waitForShared,
} from '@goalbridge/core';
import { envelopeSchema, OAuthTokenSchema } from './capillary-api.ts';
import type { CapillaryBasicAuth, CapillaryOAuth } from './capillary-options.ts';
import { md5Hex } from './md5.ts';

export const OAUTH_TOKEN_HEADER = 'X-CAP-API-OAUTH-TOKEN';
/** Renew this long before expiry at most (and at a tenth of the lifetime for short-lived tokens). */
const RENEW_MARGIN_MS = 30_000;
const TokenEnvelopeSchema = envelopeSchema(OAuthTokenSchema);

export interface CapillaryAuthenticator {
  /** Headers for the next attempt of `request` (the HTTP client asks before it takes a rate-limit slot). */
  headers(request: HttpRequest): Promise<Record<string, string>>;
  /**
   * Has what `request` will need fetched before it is sent (an OAuth token), so that failing to get it is told
   * apart from a send whose outcome is unknown. Reads no credential that is read with each request.
   */
  prepare(request: HttpRequest): Promise<void>;
  /**
   * Forgets the token `request` was refused with, unless another request has renewed it already; true when
   * sending again with a new token can help.
   */
  invalidate(request: HttpRequest): boolean;
}

/** Base64 of the UTF-8 bytes of `text` (btoa alone only takes Latin-1). */
export function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The Basic header value for a till username and its plain password. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${base64Utf8(`${username}:${md5Hex(password)}`)}`;
}

export function createBasicAuthenticator(
  auth: CapillaryBasicAuth,
  client: HttpClient,
): CapillaryAuthenticator {
  return {
    async headers() {
      const password = await readSecret(auth.password, 'auth.password', 'capillary');
      client.secrets.add(password);
      return { authorization: basicAuthorization(auth.username, password) };
    },
    // The password is read with the request: nothing to fetch before.
    prepare: async () => {},
    invalidate: () => false,
  };
}

interface Token {
  value: string;
  renewAt: number;
}

/**
 * OAuth tokens from `tokenClient` (a client without credential headers: the generate call needs none).
 * Concurrent requests share one token request.
 */
export function createOAuthAuthenticator(
  auth: CapillaryOAuth,
  tokenClient: HttpClient,
  now: () => number,
): CapillaryAuthenticator {
  let token: Token | undefined;
  let pending: Promise<Token> | undefined;
  /** The token each request last went out with. */
  const sentWith = new WeakMap<HttpRequest, string>();

  async function generate(): Promise<Token> {
    const secret = await readSecret(auth.secret, 'auth.secret', 'capillary');
    tokenClient.secrets.add(secret);
    const started = now();
    // The token request retries on its own: the requests waiting for it do not retry its failure again.
    const response = await tokenClient
      .request({
        method: 'POST',
        path: 'oauth/token/generate',
        json: { key: auth.key, secret },
        operation: 'token',
        idempotent: true,
      })
      .catch((error: unknown) => {
        throw alreadyRetried(error);
      });
    // Not `parseAnswerOrThrow`: an unreadable token answer leaves no write of the caller's in doubt.
    const envelope = parseResponseOrThrow(TokenEnvelopeSchema, response.body, {
      provider: 'capillary',
      what: 'OAuth token',
      body: bodyExcerpt(response),
      requestId: response.requestId,
    });
    if (!envelope.data) throw new AuthError('capillary issued no OAuth token', { provider: 'capillary' });
    const lifetimeMs = envelope.data.ttlSeconds * 1000;
    tokenClient.secrets.add(envelope.data.accessToken);
    return {
      value: envelope.data.accessToken,
      renewAt: started + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 10),
    };
  }

  async function current(): Promise<Token> {
    if (token && now() < token.renewAt) return token;
    pending ??= generate().finally(() => {
      pending = undefined;
    });
    token = await pending;
    return token;
  }

  /** The current token, waited for within the request's own signal and time limit. */
  const tokenFor = (request: HttpRequest) =>
    waitForShared(current(), request, { provider: 'capillary', what: 'POST oauth/token/generate' });

  return {
    async headers(request) {
      const { value } = await tokenFor(request);
      sentWith.set(request, value);
      return { [OAUTH_TOKEN_HEADER]: value };
    },
    async prepare(request) {
      await tokenFor(request);
    },
    invalidate(request) {
      if (token !== undefined && token.value === sentWith.get(request)) token = undefined;
      return true;
    },
  };
}
