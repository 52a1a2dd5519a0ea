/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/** Jest globalTeardown of the e2e suite: removes the tarball folder made by global-setup.ts. */
import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
	const dir = process.env.E2E_PACK_DIR;
	if (dir && process.env.E2E_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
}
