/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code: it never ships in the package */
/**
 * Jest globalSetup of the e2e suite: work every test file needs, done once per `npm run test:e2e`
 * instead of once per file. Builds and packs the package (E2E_TARBALL, read by `packOnce()`) and makes
 * the pinned n8n available (N8N_ENV_DIR, read by `ensureN8nEnv()`). E2E_TARBALL set beforehand skips
 * the build (test a tarball you made yourself).
 */
import { ensureN8nEnv } from './env';
import { makeTempDir } from './index';
import { packPackage } from './pack';

export default async function globalSetup(): Promise<void> {
	if (!process.env.E2E_TARBALL) {
		process.stderr.write('\ne2e: building and packing n8n-nodes-edges...\n');
		const outDir = makeTempDir('n8n-nodes-edges-pack-');
		process.env.E2E_TARBALL = await packPackage({ outDir });
		process.env.E2E_PACK_DIR = outDir;
	}
	const env = await ensureN8nEnv();
	process.env.N8N_ENV_DIR = env.dir;
}
