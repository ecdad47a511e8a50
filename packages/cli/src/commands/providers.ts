import type { AdapterCapabilities } from '@goalbridge/core';
import { type Command, JSON_OPTION } from '../command.ts';
import { EXIT } from '../io.ts';
import type { ProviderEntry } from '../provider-registry.ts';
import { table } from '../render/format.ts';

function describe(entry: ProviderEntry, capabilities: AdapterCapabilities) {
  return {
    provider: entry.name,
    title: entry.title,
    operations: capabilities.operations,
    writable: capabilities.fields.writable,
    readable: capabilities.fields.readable,
    measureKinds: capabilities.measureKinds,
    ownerTypes: capabilities.ownerTypes,
    pagination: capabilities.pagination,
    // With default settings: the settings named in `rateLimitsChangeWith` change them.
    rateLimits: capabilities.rateLimits.map((rule) => ({
      name: rule.name,
      limit: rule.limit,
      windowMs: rule.windowMs,
      unit: rule.unit ?? 'requests',
      kind: rule.kind ?? 'sliding',
    })),
    rateLimitsChangeWith: entry.settings
      .filter((setting) => setting.setsLimits)
      .map((setting) => setting.env),
    settings: entry.settings.map((setting) => ({
      env: setting.env,
      flag: `--${setting.flag}`,
      secret: setting.secret,
      description: setting.description,
    })),
  };
}

function limits(rules: ReturnType<typeof describe>['rateLimits']): string {
  return rules
    .map(
      (rule) =>
        `${rule.limit} ${rule.unit}/${rule.windowMs >= 86_400_000 ? 'day' : rule.windowMs >= 60_000 ? `${rule.windowMs / 60_000} min` : `${rule.windowMs / 1000} s`}`,
    )
    .join(', ');
}

export const providersCommand: Command = {
  name: 'providers',
  summary: 'what each provider can do: operations, fields, default limits, settings',
  usage: 'goalbridge providers [--json]',
  options: JSON_OPTION,
  async run(options, { io, providers }) {
    const described = providers.map((entry) => describe(entry, entry.capabilities()));
    if (options.json === true || !io.stdout.isTTY) {
      io.stdout.write(`${JSON.stringify(described, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout.write(
      table(
        described.map((d) => ({
          provider: d.provider,
          operations: d.operations.join(' '),
          'measure kinds': d.measureKinds.join(' '),
          'owner types': d.ownerTypes.join(' ') || '—',
          'default limits': limits(d.rateLimits),
        })),
        60,
      ),
    );
    for (const d of described) {
      io.stdout.write(`\n${d.title} (${d.provider})\n  writes: ${d.writable.join(', ')}\n`);
      if (d.rateLimitsChangeWith.length > 0)
        io.stdout.write(`  limits change with: ${d.rateLimitsChangeWith.join(', ')}\n`);
      io.stdout.write('  settings:\n');
      for (const setting of d.settings)
        io.stdout.write(`    ${setting.env.padEnd(28)} ${setting.flag.padEnd(30)} ${setting.description}\n`);
    }
    return EXIT.ok;
  },
};
