import { packageBuild } from '../../tsup.preset.ts';

// The binary needs no declarations; the library entry does.
export default packageBuild(
  { index: 'src/index.ts', bin: 'src/bin.ts' },
  { dts: { entry: { index: 'src/index.ts' } } },
);
