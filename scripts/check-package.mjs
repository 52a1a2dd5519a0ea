#!/usr/bin/env node
// Checks the package the way n8n's verification does, before anything is published:
// 1. the packed tarball holds only dist/, README.md, LICENSE and package.json;
// 2. n8n's own scanner rules (@n8n/scan-community-package, the code n8n runs on submitted packages) pass
//    on the shippable sources and on the compiled files of the tarball, with inline eslint-disable
//    comments ignored, as the scanner ignores them;
// 3. every path in package.json's `n8n` section exists in the tarball and loads as a node or credential.
// Run after `npm run build`: `node scripts/check-package.mjs`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, '.cache', 'package-check');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

const failures = [];
const fail = (message) => failures.push(message);

// 1. Tarball contents.
const [packed] = JSON.parse(
	execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
		cwd: root,
		encoding: 'utf8',
	}),
);
const allowed = (file) =>
	file.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE'].includes(file);
const stray = packed.files.map((f) => f.path).filter((file) => !allowed(file));
if (stray.length)
	fail(
		`the tarball holds files outside dist/, README.md, LICENSE, package.json: ${stray.join(', ')}`,
	);
for (const required of ['package.json', 'README.md', 'LICENSE']) {
	if (!packed.files.some((f) => f.path === required)) fail(`the tarball lacks ${required}`);
}
const unpacked = path.join(work, 'package');
execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', work]);
console.log(
	`tarball: ${packed.filename}, ${packed.files.length} files, ${packed.size} bytes packed`,
);

// 2. n8n's scanner rules, on the sources and on the tarball's compiled files.
const sourceScan = await analyzePackage(root, SOURCE_FILE_PATTERNS);
if (!sourceScan.passed)
	fail(`scanner rules fail on the sources:\n${sourceScan.details ?? sourceScan.message}`);
const distScan = await analyzePackage(unpacked, ['**/*.js', 'package.json']);
if (!distScan.passed)
	fail(`scanner rules fail on the tarball:\n${distScan.details ?? distScan.message}`);
console.log(
	`scanner rules: sources ${sourceScan.passed ? 'pass' : 'FAIL'}, tarball ${distScan.passed ? 'pass' : 'FAIL'}`,
);

// 3. Every node and credential listed in package.json loads from the tarball.
const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
const requireFromRoot = createRequire(path.join(root, 'package.json'));
const entries = [
	...(manifest.n8n?.nodes ?? []).map((p) => ({ kind: 'node', p })),
	...(manifest.n8n?.credentials ?? []).map((p) => ({ kind: 'credential', p })),
];
if (!entries.some((e) => e.kind === 'node')) fail('package.json n8n.nodes lists no node');
for (const { kind, p } of entries) {
	const file = path.join(unpacked, p);
	if (!fs.existsSync(file)) {
		fail(`${p} is listed in package.json n8n.${kind}s but is not in the tarball`);
		continue;
	}
	try {
		const exported = requireFromRoot(file);
		const className = path.basename(p).split('.')[0];
		const Type = exported[className];
		if (typeof Type !== 'function')
			throw new Error(`it does not export a class named ${className}`);
		const instance = new Type();
		const name = kind === 'node' ? instance.description?.name : instance.name;
		if (!name) throw new Error(`its ${kind === 'node' ? 'description.name' : 'name'} is empty`);
		const icon = kind === 'node' ? instance.description?.icon : instance.icon;
		for (const ref of typeof icon === 'object' && icon ? Object.values(icon) : [icon]) {
			if (typeof ref === 'string' && ref.startsWith('file:')) {
				const iconPath = path.resolve(path.dirname(file), ref.slice('file:'.length));
				if (!fs.existsSync(iconPath)) throw new Error(`its icon ${ref} is not in the tarball`);
			}
		}
		console.log(`loads: ${p} (${name})`);
	} catch (error) {
		fail(`${p} does not load: ${error.message}`);
	}
}

if (failures.length) {
	console.error(`\npackage check failed:\n- ${failures.join('\n- ')}`);
	process.exit(1);
}
console.log('package check passed');
