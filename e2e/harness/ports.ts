/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code: it never ships in the package */
/** Free loopback ports, found by letting the kernel pick one (bind to port 0). */
import net from 'node:net';

/** A port that is free on 127.0.0.1 right now, other than those in `exclude`. */
export async function freePort(exclude: number[] = []): Promise<number> {
	for (let attempt = 0; attempt < 20; attempt++) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = net.createServer();
			server.unref();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const address = server.address();
				const found = typeof address === 'object' && address ? address.port : 0;
				server.close(() => resolve(found));
			});
		});
		if (port && !exclude.includes(port)) return port;
	}
	throw new Error('no free loopback port found');
}

/** Whether `port` can be bound on 127.0.0.1 right now. */
export async function isPortFree(port: number): Promise<boolean> {
	return await new Promise<boolean>((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}
