import { packageBuild } from '../../tsup.preset.ts';

export default packageBuild(
  {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'simulator/index': 'src/simulator/index.ts',
    'msw/index': 'src/msw/index.ts',
    'node/index': 'src/node/index.ts',
  },
  { external: ['vitest', 'msw'] },
);
