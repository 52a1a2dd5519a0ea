/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-hardcoded-secrets -- test-only code: it never ships in the package */
/** Starts and stops a real n8n (the pinned version, on Node 24), headless, on loopback only. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { ensureN8nEnv, type N8nEnv } from './env';
import { freePort, isPortFree } from './ports';
import { stopProcess, trackProcess, watchParent } from './processes';

/** Fixed key: a persistent user folder stays readable across restarts. Test/dev only. */
export const TEST_ENCRYPTION_KEY = 'n8n-nodes-edges-e2e-not-a-secret-0123456789';

export interface StartN8nOptions {
	/** N8N_USER_FOLDER: n8n keeps `.n8n/` (database, config, community nodes) in it. Created if missing. */
	userFolder: string;
	/** HTTP port; default a free one. */
	port?: number;
	/** Task-runner broker port; default port+1 when free, else another free port. */
	brokerPort?: number;
	/** Extra environment for n8n, applied last (overrides the defaults). */
	env?: Record<string, string>;
	/** How long to wait for `GET /healthz/readiness` to answer 200. Default 120 s. */
	readyTimeoutMs?: number;
	/** The n8n install to use; default `ensureN8nEnv()`. */
	n8nEnv?: N8nEnv;
	/** n8n's stdout+stderr go here (appended). Default `<userFolder>/n8n.log`. */
	logPath?: string;
	/**
	 * Which n8n process: `start` (the main process, default), `worker` or `webhook` (queue mode, see
	 * queue.ts). Extra arguments, e.g. `--concurrency=10`, go in `args`.
	 */
	command?: 'start' | 'worker' | 'webhook';
	args?: string[];
	/**
	 * The URL that answers 200 once this process is ready. Default `<baseUrl>/healthz/readiness`; a worker
	 * listens on no N8N_PORT, so its readiness is on QUEUE_HEALTH_CHECK_PORT instead.
	 */
	readinessUrl?: string;
}

export interface N8nInstance {
	command: 'start' | 'worker' | 'webhook';
	/** `http://127.0.0.1:<port>` (no trailing slash). */
	baseUrl: string;
	port: number;
	brokerPort: number;
	pid: number;
	userFolder: string;
	logPath: string;
	/** Production webhook URL for a Webhook node path: `<baseUrl>/webhook/<path>`. */
	webhookUrl(webhookPath: string): string;
	/** What this n8n wrote to its log so far (all, or the last `lines` lines). */
	readLog(lines?: number): string;
	/**
	 * Why n8n could not load a community package, from its log (`Failed to load package "<name>"`
	 * and the error line after it); empty when it loaded. Default: this package.
	 */
	packageLoadErrors(packageName?: string): string[];
	/** SIGTERM to n8n (and its task runner), SIGKILL after 10 s. Safe to call twice. */
	stop(): Promise<void>;
}

const PID_FILE = 'n8n.pid';

/** The log from byte `from` on (the part written by one start: the file is appended to). */
function readFrom(file: string, from: number): string {
	try {
		return fs.readFileSync(file).subarray(from).toString('utf8');
	} catch {
		return '';
	}
}

function tail(text: string, lines: number): string {
	return text ? text.split('\n').slice(-lines).join('\n') : '(no log)';
}

/**
 * An n8n left running on this user folder by an earlier run that died without cleaning up holds the
 * SQLite database; end it. Only a process whose environment names this very user folder is touched.
 */
async function stopStaleInstance(userFolder: string): Promise<void> {
	const pidFile = path.join(userFolder, PID_FILE);
	if (!fs.existsSync(pidFile)) return;
	const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
	fs.rmSync(pidFile, { force: true });
	if (!Number.isInteger(pid) || pid <= 0) return;
	let environ: string;
	try {
		environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
	} catch {
		return; // not running
	}
	if (!environ.split('\0').includes(`N8N_USER_FOLDER=${userFolder}`)) return;
	process.stderr.write(`n8n: stopping a leftover n8n (PID ${pid}) on ${userFolder}\n`);
	await stopProcess(pid);
}

async function isReady(readinessUrl: string): Promise<boolean> {
	try {
		const response = await fetch(readinessUrl, {
			signal: AbortSignal.timeout(2_000),
		});
		return response.status === 200;
	} catch {
		return false;
	}
}

/**
 * Starts n8n with the environment of the tested recipe and waits until it is ready.
 * The process is tracked (see processes.ts): it is killed when the test process ends anyway.
 */
export async function startN8n(options: StartN8nOptions): Promise<N8nInstance> {
	const n8nEnv = options.n8nEnv ?? (await ensureN8nEnv());
	const userFolder = path.resolve(options.userFolder);
	fs.mkdirSync(userFolder, { recursive: true });
	await stopStaleInstance(userFolder);

	const port = options.port ?? (await freePort());
	let brokerPort = options.brokerPort;
	if (brokerPort === undefined) {
		brokerPort = (await isPortFree(port + 1)) ? port + 1 : await freePort([port]);
	}
	const baseUrl = `http://127.0.0.1:${port}`;
	const logPath = options.logPath ?? path.join(userFolder, 'n8n.log');
	const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
	const command = options.command ?? 'start';
	const readinessUrl = options.readinessUrl ?? `${baseUrl}/healthz/readiness`;
	const name = `n8n ${command} :${port}`;

	const env: Record<string, string> = {
		// Node 24 first: n8n starts its task runner with the `node` it finds
		PATH: `${path.dirname(n8nEnv.nodeBin)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		HOME: process.env.HOME ?? userFolder,
		LANG: process.env.LANG ?? 'C.UTF-8',
		TMPDIR: process.env.TMPDIR ?? '/tmp',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_WEBHOOK_URL: `${baseUrl}/`,
		WEBHOOK_URL: `${baseUrl}/`,
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry,insights',
		DB_TYPE: 'sqlite',
		...options.env,
	};

	fs.mkdirSync(path.dirname(logPath), { recursive: true });
	const logStart = fs.existsSync(logPath) ? fs.statSync(logPath).size : 0;
	const currentLog = () => readFrom(logPath, logStart);
	const logFd = fs.openSync(logPath, 'a');
	fs.writeSync(logFd, `\n===== n8n ${command} ${new Date().toISOString()} port ${port} =====\n`);
	const child = spawn(n8nEnv.nodeBin, [n8nEnv.n8nBin, command, ...(options.args ?? [])], {
		cwd: userFolder,
		env,
		stdio: ['ignore', logFd, logFd],
		detached: true,
	});
	fs.closeSync(logFd);
	const pid = trackProcess(child, name);
	const watchdogPid = watchParent(pid, name);
	fs.writeFileSync(path.join(userFolder, PID_FILE), String(pid));

	let exitInfo: string | undefined;
	child.once('exit', (code, signal) => {
		exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
	});

	let stopped: Promise<void> | undefined;
	const instance: N8nInstance = {
		command,
		baseUrl,
		port,
		brokerPort,
		pid,
		userFolder,
		logPath,
		webhookUrl: (webhookPath) => `${baseUrl}/webhook/${webhookPath.replace(/^\/+/, '')}`,
		readLog: (lines) => (lines ? tail(currentLog(), lines) : currentLog()),
		packageLoadErrors: (packageName = 'n8n-nodes-edges') => {
			const lines = currentLog().split('\n');
			const marker = `Failed to load package "${packageName}"`;
			return lines.flatMap((line, i) =>
				line.includes(marker) ? [`${line.trim()}: ${(lines[i + 1] ?? '').trim()}`] : [],
			);
		},
		stop: async () => {
			stopped ??= (async () => {
				await stopProcess(pid);
				await stopProcess(watchdogPid, 1_000);
				const pidFile = path.join(userFolder, PID_FILE);
				if (fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() === String(pid)) {
					fs.rmSync(pidFile, { force: true });
				}
			})();
			await stopped;
		},
	};

	const deadline = Date.now() + readyTimeoutMs;
	for (;;) {
		if (exitInfo) {
			throw new Error(
				`${name} exited before it was ready (${exitInfo}). Last lines of ${logPath}:\n${tail(currentLog(), 60)}`,
			);
		}
		if (await isReady(readinessUrl)) return instance;
		if (Date.now() > deadline) {
			await instance.stop();
			throw new Error(
				`${name} was not ready after ${readyTimeoutMs / 1000} s (GET ${readinessUrl}). ` +
					`Last lines of ${logPath}:\n${tail(currentLog(), 60)}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
