/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-hardcoded-secrets -- test-only code: it never ships in the package */
/**
 * n8n in queue mode on loopback, as a self-hosted user runs it: PostgreSQL, Redis, n8n main, workers and
 * webhook processes (each with the package installed as n8n installs community packages), and a real
 * nginx in front of the webhook processes with the configuration the README gives (read from the README
 * itself, so the documented configuration is the tested one).
 *
 * Every process is started in its own process group, tracked by PID (processes.ts) and watched by a
 * watchdog: `stopAll()` from afterAll ends them, and so does the death of the test process.
 * PostgreSQL runs as the `postgres` user when the tests run as root (initdb refuses root), in a fresh
 * cluster in a temp folder on a free port: nothing global is touched.
 */
import { execFile, spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { N8nApi, setupOwner, DEFAULT_OWNER, type N8nSession } from './api';
import { ensureN8nEnv, REPO_ROOT } from './env';
import { startN8n, type N8nInstance, type StartN8nOptions } from './n8n';
import { installPackage } from './pack';
import { freePort } from './ports';
import { stopProcess, trackProcess, watchParent } from './processes';

const sleep = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A service process the harness started (PostgreSQL, Redis, nginx). */
export interface ServiceProcess {
	name: string;
	pid: number;
	port: number;
	logPath: string;
	stop(): Promise<void>;
}

async function until(
	what: string,
	check: () => Promise<boolean>,
	timeoutMs: number,
	log?: string,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) {
			const tail = log && fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-3000) : '';
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${tail}`);
		}
		await sleep(250);
	}
}

async function exec(
	file: string,
	args: string[],
	options: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<string> {
	return await new Promise((resolve, reject) => {
		execFile(
			file,
			args,
			{ ...options, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
			(error, stdout, stderr) =>
				error
					? reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stdout}\n${stderr}`))
					: resolve(stdout),
		);
	});
}

/** Spawns a long-running service in its own process group, tracked, with a watchdog. */
function spawnService(
	name: string,
	file: string,
	args: string[],
	logPath: string,
	options: SpawnOptions = {},
): number {
	const fd = fs.openSync(logPath, 'a');
	const child = spawn(file, args, { ...options, stdio: ['ignore', fd, fd], detached: true });
	fs.closeSync(fd);
	const pid = trackProcess(child, name);
	watchParent(pid, name);
	return pid;
}

function service(name: string, pid: number, port: number, logPath: string): ServiceProcess {
	return { name, pid, port, logPath, stop: async () => await stopProcess(pid) };
}

// ---------- PostgreSQL ----------

export interface Postgres extends ServiceProcess {
	database: string;
	user: string;
	password: string;
}

/** The newest PostgreSQL server binaries on this machine ($PG_BIN overrides). */
function postgresBin(): string {
	if (process.env.PG_BIN) return process.env.PG_BIN;
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
		: [];
	versions.sort((a, b) => Number(b) - Number(a));
	if (!versions.length) {
		throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (set PG_BIN)');
	}
	return path.join(root, versions[0], 'bin');
}

/** uid/gid of the `postgres` user when this process is root: PostgreSQL refuses to run as root. */
function postgresIds(): { uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return {};
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('postgres:'));
	if (!line) throw new Error('running as root, but there is no postgres user to run PostgreSQL as');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/** A fresh PostgreSQL cluster in `dir` on a free loopback port, with database and role `n8n`. */
export async function startPostgres(dir: string): Promise<Postgres> {
	const bin = postgresBin();
	const ids = postgresIds();
	const data = path.join(dir, 'data');
	const user = 'n8n';
	const password = 'n8n-queue-e2e-not-a-secret';
	fs.mkdirSync(dir, { recursive: true });
	const pwfile = path.join(dir, 'pwfile');
	fs.writeFileSync(pwfile, password);
	if (ids.uid !== undefined) {
		fs.chownSync(dir, ids.uid, ids.gid!);
		fs.chownSync(pwfile, ids.uid, ids.gid!);
	}
	await exec(
		path.join(bin, 'initdb'),
		['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8'],
		{ ...ids, cwd: dir },
	);
	const port = await freePort();
	const logPath = path.join(dir, 'postgres.log');
	const pid = spawnService(
		`postgres :${port}`,
		path.join(bin, 'postgres'),
		[
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			// a throwaway test cluster: durability only costs time on two shared cores
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
		],
		logPath,
		{ ...ids, cwd: dir },
	);
	const database = 'n8n';
	const env = { ...process.env, PGPASSWORD: password };
	await until(
		`PostgreSQL on 127.0.0.1:${port}`,
		async () => {
			try {
				await exec(
					path.join(bin, 'createdb'),
					['-h', '127.0.0.1', '-p', String(port), '-U', user, database],
					{ env },
				);
				return true;
			} catch {
				return false;
			}
		},
		60_000,
		logPath,
	);
	return { ...service(`postgres :${port}`, pid, port, logPath), database, user, password };
}

// ---------- Redis ----------

async function redisPing(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(2_000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString();
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

/** redis-server on a free loopback port, nothing persisted. */
export async function startRedis(dir: string): Promise<ServiceProcess> {
	fs.mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const logPath = path.join(dir, 'redis.log');
	const pid = spawnService(
		`redis :${port}`,
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--dir',
			dir,
		],
		logPath,
		{ cwd: dir },
	);
	await until(`Redis on 127.0.0.1:${port}`, async () => await redisPing(port), 30_000, logPath);
	return service(`redis :${port}`, pid, port, logPath);
}

// ---------- nginx ----------

/** How the proxy routes production webhooks (`/webhook/`) to the webhook processes. */
export type WebhookRouting = 'sticky' | 'round-robin';

const README_MARKER = '<!-- queue-mode-nginx -->';
/** The addresses the README's configuration uses; the harness puts its own ports in their place. */
export const README_ADDRESSES = {
	main: '127.0.0.1:5678',
	webhooks: ['127.0.0.1:5681', '127.0.0.1:5682'],
} as const;

/** The nginx snippet of the README's queue-mode section (the code block after README_MARKER). */
export function readmeNginxSnippet(): string {
	const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
	const at = readme.indexOf(README_MARKER);
	const block = at === -1 ? null : /```nginx\n([\s\S]*?)```/.exec(readme.slice(at));
	if (!block) throw new Error(`README.md has no \`\`\`nginx block after ${README_MARKER}`);
	return block[1];
}

/**
 * A complete nginx.conf around the README's snippet: its addresses replaced by the real ports, a loopback
 * `listen`, and (round-robin) the sticky `hash` line removed. `X-Served-By` (the upstream that answered)
 * is added for the tests only, to know which webhook process served a request.
 */
export function nginxConfig(options: {
	prefix: string;
	port: number;
	main: string;
	webhooks: string[];
	routing: WebhookRouting;
}): string {
	let snippet = readmeNginxSnippet();
	snippet = snippet.split(README_ADDRESSES.main).join(options.main);
	README_ADDRESSES.webhooks.forEach((readmeAddress, i) => {
		snippet = snippet.split(readmeAddress).join(options.webhooks[i]);
	});
	if (!snippet.includes('hash $request_uri consistent;')) {
		throw new Error('the README nginx snippet lost its `hash $request_uri consistent;` line');
	}
	if (options.routing === 'round-robin') {
		snippet = snippet.replace(/^\s*hash \$request_uri consistent;.*$/m, '');
	}
	snippet = snippet.replace(
		/server \{/,
		`server {\n\t\tlisten 127.0.0.1:${options.port};\n\t\tadd_header X-Served-By $upstream_addr always;`,
	);
	const root = process.getuid?.() === 0;
	return [
		'daemon off;',
		'worker_processes 1;',
		...(root ? ['user root;'] : []),
		`pid ${path.join(options.prefix, 'nginx.pid')};`,
		`error_log ${path.join(options.prefix, 'error.log')} warn;`,
		'events { worker_connections 1024; }',
		'http {',
		`\taccess_log ${path.join(options.prefix, 'access.log')};`,
		...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
			(kind) => `\t${kind}_temp_path ${path.join(options.prefix, `${kind}_temp`)};`,
		),
		snippet,
		'}',
		'',
	].join('\n');
}

/** nginx's binary: $NGINX_BIN, else the one on PATH, else Debian's /usr/sbin/nginx (not on a user's PATH). */
function nginxBin(): string {
	if (process.env.NGINX_BIN) return process.env.NGINX_BIN;
	const onPath = (process.env.PATH ?? '')
		.split(':')
		.map((dir) => path.join(dir, 'nginx'))
		.find((file) => fs.existsSync(file));
	return onPath ?? '/usr/sbin/nginx';
}

export interface Nginx extends ServiceProcess {
	url: string;
	configPath: string;
}

// ---------- the stack ----------

export interface QueueStackOptions {
	tarball: string;
	/** A temp folder for everything (user folders, logs) but PostgreSQL's cluster. */
	dir: string;
	/**
	 * A new folder for PostgreSQL's cluster directly in a world-traversable place: when run as root the
	 * cluster belongs to the `postgres` user, who cannot enter a root-only temp folder.
	 */
	postgresDir: string;
	routing: WebhookRouting;
	workers?: number;
	webhookProcesses?: number;
}

export interface QueueStack {
	postgres: Postgres;
	redis: ServiceProcess;
	nginx: Nginx;
	main: N8nInstance;
	workers: N8nInstance[];
	webhooks: N8nInstance[];
	api: N8nApi;
	session: N8nSession;
	/** The proxy's URL (n8n's WEBHOOK_URL): what Edges calls. */
	proxyUrl: string;
	/** Production webhook URL through the proxy. */
	webhookUrl(webhookPath: string): string;
	/** Stops webhook process `index` (SIGTERM, as an orchestrator would) and starts it again, same port. */
	restartWebhook(index: number): Promise<N8nInstance>;
	/** Which webhook process (index) an `X-Served-By` value names; -1 when none. */
	webhookIndexOf(servedBy: string | null): number;
	/** The logs of every webhook process so far, concatenated. */
	webhookLogs(): string;
	/** Milliseconds from the first process started to the whole stack ready. */
	readyMs: number;
	/** Resident memory of each n8n process group (n8n + its task runner), MiB. */
	memoryMiB(): Record<string, number>;
}

/** RSS of every process in the process group of `pgid`, in MiB. */
function groupRssMiB(pgid: number): number {
	let kib = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			// fields after the command (which may hold spaces) start after the last ')'
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) !== pgid) continue;
			const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
			kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
		} catch {
			// the process ended meanwhile
		}
	}
	return Math.round(kib / 1024);
}

/**
 * PostgreSQL + Redis, then n8n main (it runs the migrations; production webhooks off), then the workers
 * and webhook processes together, then nginx; owner account and API key on main.
 */
export async function startQueueStack(options: QueueStackOptions): Promise<QueueStack> {
	const started = Date.now();
	const n8nEnv = await ensureN8nEnv();
	const workerCount = options.workers ?? 2;
	const webhookCount = options.webhookProcesses ?? 2;

	const [postgres, redis] = await Promise.all([
		startPostgres(options.postgresDir),
		startRedis(path.join(options.dir, 'redis')),
	]);
	const proxyPort = await freePort();
	const proxyUrl = `http://127.0.0.1:${proxyPort}`;

	const shared: Record<string, string> = {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// every URL n8n gives out (trigger URLs, resume URLs) is the proxy's
		WEBHOOK_URL: `${proxyUrl}/`,
		N8N_WEBHOOK_URL: `${proxyUrl}/`,
	};

	// Each process gets its own user folder with the package installed in it, as on separate hosts.
	const userFolders = new Map<string, string>();
	const prepared = async (name: string): Promise<string> => {
		const folder = path.join(options.dir, name);
		await installPackage(options.tarball, folder);
		userFolders.set(name, folder);
		return folder;
	};
	const names = [
		'main',
		...Array.from({ length: workerCount }, (_, i) => `worker-${i + 1}`),
		...Array.from({ length: webhookCount }, (_, i) => `webhook-${i + 1}`),
	];
	await Promise.all(names.map(prepared));

	// All ports up front, distinct: processes starting side by side each picking "a free port, and the next
	// one for the task broker" took each other's (a worker's broker port was a webhook process's port).
	const taken: number[] = [proxyPort];
	const port = async (): Promise<number> => {
		const found = await freePort(taken);
		taken.push(found);
		return found;
	};
	const portsOf = async () => ({ port: await port(), brokerPort: await port() });
	const mainPorts = await portsOf();
	const workerPorts: Array<{ port: number; brokerPort: number; healthPort: number }> = [];
	for (let i = 0; i < workerCount; i++)
		workerPorts.push({ ...(await portsOf()), healthPort: await port() });
	const webhookPorts: Array<{ port: number; brokerPort: number }> = [];
	for (let i = 0; i < webhookCount; i++) webhookPorts.push(await portsOf());

	const main = await startN8n({
		n8nEnv,
		userFolder: userFolders.get('main')!,
		...mainPorts,
		command: 'start',
		// the first start runs all migrations on PostgreSQL: ~40 s on an idle machine, more on a busy one
		readyTimeoutMs: 300_000,
		env: { ...shared, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
	});

	const workerStarts = Array.from({ length: workerCount }, async (_, i) => {
		const { healthPort, ...ports } = workerPorts[i];
		return await startN8n({
			n8nEnv,
			userFolder: userFolders.get(`worker-${i + 1}`)!,
			...ports,
			command: 'worker',
			args: ['--concurrency=10'],
			readinessUrl: `http://127.0.0.1:${healthPort}/healthz/readiness`,
			readyTimeoutMs: 300_000,
			env: {
				...shared,
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			},
		});
	});
	const webhookOptions: StartN8nOptions[] = [];
	const webhookStarts = Array.from({ length: webhookCount }, async (_, i) => {
		const opts: StartN8nOptions = {
			n8nEnv,
			userFolder: userFolders.get(`webhook-${i + 1}`)!,
			...webhookPorts[i],
			command: 'webhook',
			readyTimeoutMs: 300_000,
			env: shared,
		};
		// a restart keeps the port and broker port, as a restarted container keeps its address
		webhookOptions[i] = opts;
		return await startN8n(opts);
	});
	const [workers, webhooks] = await Promise.all([
		Promise.all(workerStarts),
		Promise.all(webhookStarts),
	]);

	const nginxDir = path.join(options.dir, 'nginx');
	const nginx = await startNginx(
		nginxDir,
		proxyPort,
		{
			main: `127.0.0.1:${main.port}`,
			webhooks: webhooks.map((w) => `127.0.0.1:${w.port}`),
		},
		options.routing,
	);

	const session = await setupOwner(main.baseUrl, DEFAULT_OWNER);
	const api = new N8nApi(main.baseUrl, await session.createApiKey());
	const readyMs = Date.now() - started;

	const stack: QueueStack = {
		postgres,
		redis,
		nginx,
		main,
		workers,
		webhooks,
		api,
		session,
		proxyUrl,
		readyMs,
		webhookUrl: (webhookPath) => `${proxyUrl}/webhook/${webhookPath.replace(/^\/+/, '')}`,
		restartWebhook: async (index) => {
			await stack.webhooks[index].stop();
			stack.webhooks[index] = await startN8n(webhookOptions[index]);
			return stack.webhooks[index];
		},
		webhookIndexOf: (servedBy) =>
			servedBy ? stack.webhooks.findIndex((w) => servedBy.endsWith(`:${w.port}`)) : -1,
		webhookLogs: () => stack.webhooks.map((w) => fs.readFileSync(w.logPath, 'utf8')).join('\n'),
		memoryMiB: () =>
			Object.fromEntries(
				[
					['main', main],
					...stack.workers.map((w, i) => [`worker-${i + 1}`, w] as const),
					...stack.webhooks.map((w, i) => [`webhook-${i + 1}`, w] as const),
				].map(([name, instance]) => [name as string, groupRssMiB((instance as N8nInstance).pid)]),
			),
	};
	return stack;
}

/** nginx with nginxConfig() on `port` (chosen before n8n starts, so WEBHOOK_URL can name it). */
export async function startNginx(
	dir: string,
	port: number,
	upstreams: { main: string; webhooks: string[] },
	routing: WebhookRouting,
): Promise<Nginx> {
	fs.mkdirSync(dir, { recursive: true });
	const configPath = path.join(dir, 'nginx.conf');
	fs.writeFileSync(configPath, nginxConfig({ prefix: dir, port, routing, ...upstreams }));
	const logPath = path.join(dir, 'nginx.out');
	const pid = spawnService(
		`nginx :${port}`,
		nginxBin(),
		['-p', dir, '-c', configPath, '-e', path.join(dir, 'error.log')],
		logPath,
		{ cwd: dir },
	);
	const url = `http://127.0.0.1:${port}`;
	await until(
		`nginx on ${url}`,
		async () => {
			try {
				return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok;
			} catch {
				return false;
			}
		},
		30_000,
		path.join(dir, 'error.log'),
	);
	return { ...service(`nginx :${port}`, pid, port, logPath), url, configPath };
}
