import { ConfigError } from '../errors.ts';
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacter } from './option-schemas.ts';

/** A credential given as a value, or as a function read at each request so it can be refreshed. */
export type SecretSource = string | (() => string | Promise<string>);

/**
 * The current value of a credential; a ConfigError names the option when it is missing, empty, or holds a
 * control character (a function's answer is checked here, as a string is by `SecretSourceSchema`).
 */
export async function readSecret(
  source: SecretSource | undefined,
  option: string,
  provider: string,
): Promise<string> {
  const value = typeof source === 'function' ? await source() : source;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`${provider}: ${option} is missing or empty`, { provider });
  }
  if (hasControlCharacter(value)) {
    throw new ConfigError(`${provider}: ${option} ${CONTROL_CHARACTER_MESSAGE}`, {
      provider,
      issues: [{ path: option, message: CONTROL_CHARACTER_MESSAGE }],
    });
  }
  return value;
}

/** Headers made of a credential, as the HTTP client asks for them before each request. */
export type CredentialHeaders = () => Record<string, string> | Promise<Record<string, string>>;

/**
 * The credential headers of every request. A fixed secret gives the same headers every time, handed over
 * without a promise (nothing to await on the request path); a function is read before each request, and a
 * missing or blank secret is a ConfigError naming `option` when a request asks for it.
 */
export function credentialHeaders(
  source: SecretSource | undefined,
  context: { option: string; provider: string },
  toHeaders: (secret: string) => Record<string, string>,
): CredentialHeaders {
  if (typeof source === 'string' && source.trim() !== '') {
    const fixed = toHeaders(source);
    return () => fixed;
  }
  return async () => toHeaders(await readSecret(source, context.option, context.provider));
}
