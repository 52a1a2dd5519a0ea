// The one home of what a run's status means (nodes/shared/client/schemas.ts): every documented status
// sorted once, and a status Edges adds later treated as "not over", so no node reads outputs that are
// not final or fails a run that is still going.
import {
	RUN_STATUSES,
	hasRunStopped,
	isFailedInput,
	isFinishedRunStatus,
	isHaltedRunStatus,
	isUnsuccessfulRunStatus,
} from '../../nodes/shared/client';

describe('run statuses', () => {
	it('sorts every documented status', () => {
		const sorted = Object.fromEntries(
			RUN_STATUSES.map((status) => [
				status,
				[
					isFinishedRunStatus(status) && 'finished',
					isHaltedRunStatus(status) && 'halted',
					hasRunStopped(status) && 'stopped',
					isUnsuccessfulRunStatus(status) && 'unsuccessful',
				]
					.filter(Boolean)
					.join(' '),
			]),
		);
		expect(sorted).toEqual({
			CREATED: '',
			INVALID: 'halted stopped unsuccessful',
			QUEUED: '',
			SCHEDULED: '',
			BLOCKED: 'halted stopped unsuccessful',
			STOPPED: 'halted stopped unsuccessful',
			RUNNING: '',
			FAILED: 'finished stopped unsuccessful',
			PARTIAL_SUCCEEDED: 'finished stopped',
			SUCCEEDED: 'finished stopped',
		});
	});

	it.each(['ARCHIVED', 'succeeded', '', null, undefined, 42])(
		'a status Edges does not document (%p) is neither finished, halted nor failed',
		(status) => {
			expect(isFinishedRunStatus(status)).toBe(false);
			expect(isHaltedRunStatus(status)).toBe(false);
			expect(hasRunStopped(status)).toBe(false);
			expect(isUnsuccessfulRunStatus(status)).toBe(false);
		},
	);

	it('an input failed when its status says so or its last error does', () => {
		expect(isFailedInput({ status: 'FAILED' })).toBe(true);
		expect(isFailedInput({ status: 'BLOCKED' })).toBe(true);
		expect(isFailedInput({ status: 'SUCCEEDED', last_error: { has_failed: true } })).toBe(true);
		expect(isFailedInput({ status: 'SUCCEEDED', last_error: { has_failed: false } })).toBe(false);
		expect(isFailedInput({ status: null, last_error: null })).toBe(false);
	});
});
