import type { ProviderEntry } from '../provider-registry.ts';
import { capillary } from './capillary.ts';
import { pipedrive } from './pipedrive.ts';
import { plannr } from './plannr.ts';

/** Every provider the CLI knows, in the order help lists them. */
export const PROVIDERS: readonly ProviderEntry[] = [pipedrive, plannr, capillary];
