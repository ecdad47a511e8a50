import { ConfigError } from '../errors.ts';

/** A credential given as a value, or as a function read at each request so it can be refreshed. */
export type SecretSource = string | (() => string | Promise<string>);

/** The current value of a credential; a ConfigError names the option when it is missing or empty. */
export async function readSecret(
  source: SecretSource | undefined,
  option: string,
  provider: string,
): Promise<string> {
  const value = typeof source === 'function' ? await source() : source;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`${provider}: ${option} is missing or empty`, { provider });
  }
  return value;
}
