import { join } from 'node:path';
import { createFsStore } from '../../../runtime/cdn/index.ts';
import { makeTempDir } from '../helpers.ts';
import { describeStoreContract } from '../store-contract.ts';

describeStoreContract('file system', async (t) => createFsStore(join(await makeTempDir(t), 'store')));
