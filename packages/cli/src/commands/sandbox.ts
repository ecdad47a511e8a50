import { positiveInteger } from '../args.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../io.ts';
import type { SandboxInstance } from '../provider-registry.ts';

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'run the three provider simulators on localhost, with sandbox data and credentials',
  usage: 'goalbridge sandbox [--goals N] [--seed N]',
  options: {
    goals: { type: 'string', value: 'N', description: 'goals to seed in each source (default 200)' },
    seed: { type: 'string', value: 'N', description: 'seed for the generated data (default 1)' },
  },
  details: 'Prints the environment variables that point goalbridge at each simulator; stops on Ctrl-C.',
  async run(options, { io, providers }) {
    const goals = positiveInteger(options, 'goals', 200, 100_000);
    const seed = positiveInteger(options, 'seed', 1, 2 ** 31);
    const running: { name: string; instance: SandboxInstance }[] = [];
    try {
      for (const entry of providers)
        running.push({ name: entry.name, instance: await entry.startSandbox({ goals, seed }) });
      io.stderr.write('Sandbox running (Ctrl-C to stop). In another shell:\n\n');
      for (const { name, instance } of running) {
        io.stdout.write(`# ${name}: ${instance.description} at ${instance.url}\n`);
        for (const [key, value] of Object.entries(instance.env))
          io.stdout.write(`export ${key}=${shellQuote(value)}\n`);
        io.stdout.write('\n');
      }
      const intoPlannr = running.find(({ name }) => name === 'plannr')?.instance.targetFlags ?? [];
      io.stderr.write(
        `Then e.g.: goalbridge migrate --from pipedrive --to plannr --dry-run ${intoPlannr.join(' ')}\n`.replace(
          ' \n',
          '\n',
        ),
      );
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return EXIT.ok;
    } finally {
      await Promise.all(running.map(({ instance }) => instance.close()));
    }
  },
};

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
