/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// n8n-core writes its settings to ~/.n8n unless N8N_USER_FOLDER points elsewhere; tests must not touch $HOME.
if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-edges-test-'));
}

// n8n-core logs every node error it records; many tests fail nodes on purpose, and those lines buried the
// test report. Set N8N_LOG_LEVEL yourself to see them.
if (!process.env.N8N_LOG_LEVEL) process.env.N8N_LOG_LEVEL = 'silent';
