/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark-only code: it never ships in the package */
/**
 * The Edges simulator in a child process of the benchmark, driven over IPC (see simClient.ts), so that its
 * work (generating 500 KB pages, delivering callbacks) runs on another core and its allocations stay out of
 * the process or the n8n the benchmark measures.
 */
import { EdgesSimulator } from '../test/simulator';

type Command =
	| { id: number; cmd: 'start'; options: Parameters<typeof EdgesSimulator.start>[0] }
	| { id: number; cmd: 'seedRun'; options: Parameters<EdgesSimulator['seedRun']>[0] }
	| {
			id: number;
			cmd: 'seedRuns';
			count: number;
			options: Parameters<EdgesSimulator['seedRun']>[0];
	  }
	| { id: number; cmd: 'setRateLimit'; scope: 'runs' | 'live' | 'all'; limit: unknown }
	| { id: number; cmd: 'holdRuns'; hold: boolean }
	| { id: number; cmd: 'finishRun'; uid: string }
	| { id: number; cmd: 'run'; uid: string }
	| { id: number; cmd: 'clearRequests' }
	| { id: number; cmd: 'requests' }
	| { id: number; cmd: 'requestCount' }
	| { id: number; cmd: 'deliveries' }
	| { id: number; cmd: 'stop' };

let sim: EdgesSimulator | undefined;

async function handle(message: Command): Promise<unknown> {
	switch (message.cmd) {
		case 'start':
			sim = await EdgesSimulator.start(message.options);
			return { baseUrl: sim.baseUrl };
		case 'seedRun':
			return sim!.seedRun(message.options);
		case 'seedRuns':
			return Array.from({ length: message.count }, () => sim!.seedRun(message.options));
		case 'setRateLimit':
			sim!.setRateLimit(
				message.scope,
				message.limit as Parameters<EdgesSimulator['setRateLimit']>[1],
			);
			return null;
		case 'holdRuns':
			sim!.holdRuns(message.hold);
			return null;
		case 'finishRun':
			await sim!.finishRun(message.uid);
			return null;
		case 'run': {
			const run = sim!.run(message.uid);
			return run
				? {
						uid: run.uid,
						status: run.status,
						outputCount: run.outputCount,
						inputs: run.inputs.length,
					}
				: null;
		}
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
		case 'requestCount':
			return sim!.requests.length;
		case 'deliveries':
			return sim!.deliveries.map(({ runUid, status, at, attempt }) => ({
				runUid,
				status,
				at,
				attempt,
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
