// Why this file exists: the simulator's own tests (and anyone else's) need the same two things, an axios
// client aimed at a simulator that never throws on an HTTP status, and a short way to start a run.

import axios, { type AxiosInstance } from 'axios';

import type { EdgesSimulator } from './simulator';
import { DEFAULT_API_KEY } from './simulator';

/** axios aimed at `sim.baseUrl` with the key set; every status resolves (tests assert on it). */
export function apiClient(
	sim: EdgesSimulator,
	apiKey: string | null = DEFAULT_API_KEY,
): AxiosInstance {
	return axios.create({
		baseURL: sim.baseUrl,
		headers: apiKey === null ? {} : { 'X-API-Key': apiKey },
		validateStatus: () => true,
		maxContentLength: Infinity,
	});
}

export const profileUrl = (handle: string) => `https://www.linkedin.com/in/${handle}/`;
export const searchUrl = (keywords: string, results?: number) =>
	`https://www.linkedin.com/search/results/people/?keywords=${keywords}${results === undefined ? '' : `&sim_results=${results}`}`;
export const companyUrl = (slug: string) => `https://www.linkedin.com/company/${slug}/`;

/** Starts an async run and returns its uid; fails the test with Edges' answer when refused. */
export async function startRun(
	api: AxiosInstance,
	slug: string,
	body: Record<string, unknown>,
): Promise<string> {
	const response = await api.post(`/actions/${slug}/run/async`, body);
	if (response.status < 200 || response.status > 299) {
		throw new Error(`async run refused: ${response.status} ${JSON.stringify(response.data)}`);
	}
	return (response.data as { run_uid: string }).run_uid;
}

/**
 * A clock that moves only when told to. Given to the simulator (`rateLimitClock`) and to the client (its
 * pacer, its `now`, a transport that sleeps with `sleep`), it makes what a rate limit refuses depend only on
 * the requests made, not on how fast the machine makes them. Starts on a whole second, as HTTP dates are.
 */
export class ManualClock {
	private time: number;

	constructor(start = Date.UTC(2026, 0, 1)) {
		this.time = start;
	}

	readonly now = (): number => this.time;

	advance(ms: number): void {
		this.time += ms;
	}

	/** A transport's sleep that takes no real time: it moves the clock by what was asked. */
	readonly sleep = async (ms: number): Promise<void> => {
		this.advance(ms);
	};
}
