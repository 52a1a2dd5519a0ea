/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test-only code: it never ships in the package */
/**
 * Builds and packs the package the way it is published, and installs the tarball into an n8n user
 * folder the way n8n's community-package installer does, so n8n loads the nodes under their real
 * names (`n8n-nodes-edges.edges`, ...).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from './env';

export const PACKAGE_NAME = 'n8n-nodes-edges';

/** Runs a command, resolves with its stdout; on failure the error holds stdout and stderr. */
export async function run(
	command: string,
	args: string[],
	options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<string> {
	return await new Promise<string>((resolve, reject) => {
		execFile(
			command,
			args,
			{
				cwd: options.cwd,
				env: options.env ?? process.env,
				timeout: options.timeoutMs ?? 600_000,
				maxBuffer: 64 * 1024 * 1024,
			},
			(error, stdout, stderr) => {
				if (error) {
					reject(
						new Error(
							`${command} ${args.join(' ')} failed in ${options.cwd}: ${error.message}\n${stdout}\n${stderr}`,
						),
					);
				} else {
					resolve(stdout);
				}
			},
		);
	});
}

export interface PackOptions {
	/** Skip `npm run build` (the caller knows dist/ is fresh). Default false. */
	skipBuild?: boolean;
	/** Folder for the tarball; default a new temp folder. */
	outDir?: string;
}

/** Files the package.json `n8n` section names (nodes, credentials) that are not in dist/. */
export function missingBuildOutputs(): string[] {
	const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const declared = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	return declared.filter((file) => !fs.existsSync(path.join(REPO_ROOT, file)));
}

/** The `tsBuildInfoFile` of tsconfig.build.json, if it sets one. */
function buildInfoFile(): string | undefined {
	try {
		const config = JSON.parse(
			fs.readFileSync(path.join(REPO_ROOT, 'tsconfig.build.json'), 'utf8'),
		) as { compilerOptions?: { tsBuildInfoFile?: string } };
		const file = config.compilerOptions?.tsBuildInfoFile;
		return file ? path.resolve(REPO_ROOT, file) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * `npm run build`, then checks that every file named in package.json `n8n` exists. When some are
 * missing and an incremental-build info file exists, that file is stale (it survives a cleaned
 * dist/, so tsc thinks there is nothing to emit): it is deleted and the build runs once more.
 */
export async function buildPackage(): Promise<void> {
	await run('npm', ['run', 'build'], { cwd: REPO_ROOT });
	let missing = missingBuildOutputs();
	const info = buildInfoFile();
	if (missing.length && info && fs.existsSync(info)) {
		process.stderr.write(
			`build: ${missing.length} declared file(s) missing after npm run build; ` +
				`rebuilding without the stale ${path.relative(REPO_ROOT, info)}\n`,
		);
		fs.rmSync(info, { force: true });
		await run('npm', ['run', 'build'], { cwd: REPO_ROOT });
		missing = missingBuildOutputs();
	}
	if (missing.length) {
		throw new Error(
			`npm run build did not produce files named in package.json "n8n": ${missing.join(', ')}`,
		);
	}
}

/**
 * `buildPackage()` (unless `skipBuild`), then `npm pack`; resolves with the tarball's path.
 */
export async function packPackage(options: PackOptions = {}): Promise<string> {
	if (!options.skipBuild) await buildPackage();
	const outDir = options.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-edges-pack-'));
	fs.mkdirSync(outDir, { recursive: true });
	const stdout = await run('npm', ['pack', '--json', '--pack-destination', outDir], {
		cwd: REPO_ROOT,
	});
	const [info] = JSON.parse(stdout) as Array<{ filename: string }>;
	const tarball = path.join(outDir, info.filename);
	if (!fs.existsSync(tarball)) throw new Error(`npm pack did not produce ${tarball}`);
	return tarball;
}

/**
 * Installs a packed tarball into `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-edges`, replacing
 * what was there, like n8n's own installer: untar, drop dev/peer/optional dependencies from its
 * package.json, then `npm install --omit=dev --install-strategy=shallow --ignore-scripts
 * --package-lock=false`. Resolves with the installed package folder.
 */
export async function installPackage(tarball: string, userFolder: string): Promise<string> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { cwd: nodesDir });

	const manifestPath = path.join(target, 'package.json');
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));

	await run(
		'npm',
		[
			'install',
			'--omit=dev',
			'--install-strategy=shallow',
			'--ignore-scripts',
			'--package-lock=false',
			'--no-audit',
			'--no-fund',
		],
		{ cwd: target },
	);
	return target;
}

/**
 * The npm arguments of the README's "from a tarball" install, run in `~/.n8n/nodes` with the tarball's
 * path appended. Peers are left out because n8n provides n8n-workflow itself (a second copy would be
 * another module to n8n); the smoke test checks that the README shows exactly these words.
 */
export const README_TARBALL_INSTALL_ARGS = ['install', '--omit=peer'] as const;

/**
 * Installs a packed tarball the way the README tells a self-hosted user to before the package is on
 * npm: `npm install --omit=peer <tarball>` in `<userFolder>/.n8n/nodes`. Resolves with the installed
 * package folder.
 */
export async function installPackageFromTarballAsReadmeSays(
	tarball: string,
	userFolder: string,
): Promise<string> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	await run('npm', [...README_TARBALL_INSTALL_ARGS, tarball, '--no-audit', '--no-fund'], {
		cwd: nodesDir,
	});
	return path.join(nodesDir, 'node_modules', PACKAGE_NAME);
}
