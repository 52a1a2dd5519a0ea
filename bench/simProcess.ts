/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark-only code: it never ships in the package */
/**
 * The Edges simulator in a child process of the benchmark, driven over IPC, so that its work (generating
 * 500 KB pages) runs on another core and its allocations stay out of the heap the benchmark measures.
 */
import { EdgesSimulator } from '../test/simulator';

type Command =
	| { id: number; cmd: 'start'; options: Parameters<typeof EdgesSimulator.start>[0] }
	| { id: number; cmd: 'seedRun'; options: Parameters<EdgesSimulator['seedRun']>[0] }
	| { id: number; cmd: 'setRateLimit'; scope: 'runs' | 'live' | 'all'; limit: unknown }
	| { id: number; cmd: 'clearRequests' }
	| { id: number; cmd: 'requests' }
	| { id: number; cmd: 'stop' };

let sim: EdgesSimulator | undefined;

async function handle(message: Command): Promise<unknown> {
	switch (message.cmd) {
		case 'start':
			sim = await EdgesSimulator.start(message.options);
			return { baseUrl: sim.baseUrl };
		case 'seedRun':
			return await sim!.seedRun(message.options);
		case 'setRateLimit':
			sim!.setRateLimit(
				message.scope,
				message.limit as Parameters<EdgesSimulator['setRateLimit']>[1],
			);
			return null;
		case 'clearRequests':
			sim!.clearRequests();
			return null;
		case 'requests':
			return sim!.requests.map(({ method, path, query, status, at }) => ({
				method,
				path,
				query,
				status,
				at,
			}));
		case 'stop':
			await sim?.stop();
			sim = undefined;
			return null;
	}
}

process.on('message', (message: Command) => {
	handle(message).then(
		(result) => process.send!({ id: message.id, ok: true, result }),
		(error: unknown) =>
			process.send!({
				id: message.id,
				ok: false,
				error: error instanceof Error ? error.stack : String(error),
			}),
	);
});
process.on('disconnect', () => {
	void sim?.stop().finally(() => process.exit(0));
	if (!sim) process.exit(0);
});
