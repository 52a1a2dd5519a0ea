/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test-only code: it never ships in the package */
/**
 * Every child process the harness starts is registered here by PID, so it is ended whatever happens
 * to the run:
 * - `killAllProcesses()` from `afterAll` (also when a test failed);
 * - exit, SIGINT, SIGTERM and SIGHUP handlers on this process (first signal: graceful stop of all,
 *   second signal: SIGKILL now);
 * - a watchdog per long-running child (`watchParent`): a tiny process holding a pipe from this
 *   process; when this process dies in any way (even SIGKILL, or a Jest worker whose `process.on`
 *   handlers are sandboxed), the pipe closes and the watchdog ends the child's process group.
 *
 * Children are started with `detached: true` (their own process group) and whole groups are
 * signalled: n8n starts its task runner as a child, and that one must go too.
 */
import { spawn, type ChildProcess } from 'node:child_process';

interface Tracked {
	pid: number;
	name: string;
	child: ChildProcess;
}

const sleep = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

const tracked = new Map<number, Tracked>();
const shutdownHooks: Array<() => Promise<void> | void> = [];
let handlersInstalled = false;
const REPEATED_SIGNAL_MS = 1_500;
/** The exit code after a graceful stop on a signal; undefined: 130 for SIGINT, 143 otherwise. */
let signalExitCode: number | undefined;

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Sends `signal` to the process group of `pid` (falls back to the process alone). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			// already gone
		}
	}
}

function killAllNow(): void {
	for (const { pid } of tracked.values()) signalGroup(pid, 'SIGKILL');
	tracked.clear();
}

function installHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', killAllNow);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			const code = signalExitCode ?? (signal === 'SIGINT' ? 130 : 143);
			// One Ctrl-C reaches this process more than once: the terminal signals the whole process
			// group, and npm and tsx relay it again, late on a busy machine. Only a repeat that comes later is a
			// second press.
			const firstAt = Date.now();
			const onRepeat = () => {
				if (Date.now() - firstAt < REPEATED_SIGNAL_MS) {
					process.once(signal, onRepeat);
					return;
				}
				killAllNow();
				process.exit(code);
			};
			process.once(signal, onRepeat);
			void (async () => {
				for (const hook of shutdownHooks.splice(0).reverse()) {
					try {
						await hook();
					} catch (error) {
						process.stderr.write(`shutdown: ${String(error)}\n`);
					}
				}
				await killAllProcesses(10_000);
			})().finally(() => process.exit(code));
		});
	}
}

/**
 * Runs `hook` (last registered first) when this process gets SIGINT/SIGTERM/SIGHUP, before the
 * tracked processes are stopped; e.g. to stop an in-process server or print a message.
 */
export function onShutdown(hook: () => Promise<void> | void): void {
	installHandlers();
	shutdownHooks.push(hook);
}

/**
 * Makes a graceful stop on SIGINT/SIGTERM/SIGHUP exit with `code`: for `npm start`, whose normal end
 * is Ctrl-C, so that npm does not report the stop as a failed script.
 */
export function exitAfterSignalWith(code: number): void {
	signalExitCode = code;
}

/** Registers a started child process; it is untracked automatically when it exits. */
export function trackProcess(child: ChildProcess, name: string): number {
	if (child.pid === undefined) throw new Error(`${name} did not start (no PID)`);
	const pid = child.pid;
	installHandlers();
	tracked.set(pid, { pid, name, child });
	child.once('exit', () => {
		// the group may still hold children (n8n's task runner): end them with their leader
		signalGroup(pid, 'SIGKILL');
		tracked.delete(pid);
	});
	return pid;
}

/** PIDs and names of the processes still running. */
export function trackedProcesses(): Array<{ pid: number; name: string }> {
	return [...tracked.values()].map(({ pid, name }) => ({ pid, name }));
}

/**
 * Ends one process (tracked or not): SIGTERM to its group, then SIGKILL after `graceMs`
 * (default 10 s). Resolves once the process is gone.
 */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<void> {
	const entry = tracked.get(pid);
	const gone = (): boolean =>
		entry ? entry.child.exitCode !== null || entry.child.signalCode !== null : !isAlive(pid);
	if (!gone()) {
		signalGroup(pid, 'SIGTERM');
		const deadline = Date.now() + graceMs;
		while (!gone() && Date.now() < deadline) await sleep(100);
		if (!gone()) {
			signalGroup(pid, 'SIGKILL');
			const killDeadline = Date.now() + 5_000;
			while (!gone() && Date.now() < killDeadline) await sleep(100);
		}
	}
	signalGroup(pid, 'SIGKILL'); // leftovers of the group, e.g. n8n's task runner
	tracked.delete(pid);
}

/** Ends every tracked process (gracefully, in parallel). Call it from `afterAll`. */
export async function killAllProcesses(graceMs = 10_000): Promise<void> {
	// watchdogs last: they would otherwise see their pipe close and act on their own
	const all = [...tracked.values()];
	const watchdogs = all.filter((t) => t.name.startsWith('watchdog'));
	const others = all.filter((t) => !t.name.startsWith('watchdog'));
	await Promise.all(others.map(async ({ pid }) => await stopProcess(pid, graceMs)));
	await Promise.all(watchdogs.map(async ({ pid }) => await stopProcess(pid, 1_000)));
}

// Runs in the watchdog process (plain Node, any version). argv: <pid to guard>.
const WATCHDOG_SOURCE = `
const pid = Number(process.argv[1]);
const kill = (signal) => { try { process.kill(-pid, signal); } catch { try { process.kill(pid, signal); } catch {} } };
const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
let ending = false;
const end = () => {
	if (ending) return;
	ending = true;
	kill('SIGTERM');
	const started = Date.now();
	const timer = setInterval(() => {
		if (!alive()) { kill('SIGKILL'); process.exit(0); }
		if (Date.now() - started > 10000) { kill('SIGKILL'); process.exit(0); }
	}, 200);
};
process.stdin.on('end', end);
process.stdin.on('error', end);
process.stdin.on('close', end);
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
setInterval(() => { if (!ending && !alive()) process.exit(0); }, 2000);
`;

/**
 * Starts a watchdog for `pid`: it ends `pid`'s process group (SIGTERM, SIGKILL after 10 s) as soon
 * as this process is gone, however it died. The watchdog is tracked and stopped with the rest.
 */
export function watchParent(pid: number, name: string): number {
	const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(pid)], {
		stdio: ['pipe', 'ignore', 'ignore'],
		detached: true,
	});
	watchdog.stdin?.on('error', () => {});
	return trackProcess(watchdog, `watchdog for ${name}`);
}
