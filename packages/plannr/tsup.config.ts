import { packageBuild } from '../../tsup.preset.ts';

export default packageBuild({ index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' });
