/** @goalbridge/cli as a library: run the CLI in-process (tests, embedding) and reuse its provider registry. */
export { COMMANDS, run } from './cli.ts';
export { EXIT, type ExitCode, type Io, type Output, UsageError } from './io.ts';
export { nodeIo } from './node-io.ts';
export type { ProviderEntry, ProviderSetting, SandboxInstance, SandboxOptions } from './provider-registry.ts';
export { PROVIDERS } from './providers/index.ts';
