// Why this file exists: schedules are created with a POSIX 5-field cron and an IANA time zone, and must
// answer a believable `next_execution_at` and refuse bad expressions with a 400, like Edges. The simulator
// never runs a cron clock itself (tests fire occurrences), so only parsing and "next time" are needed.

export interface CronSpec {
	minutes: Set<number>;
	hours: Set<number>;
	daysOfMonth: Set<number>;
	months: Set<number>;
	daysOfWeek: Set<number>;
	domRestricted: boolean;
	dowRestricted: boolean;
}

const MONTH_NAMES = [
	'JAN',
	'FEB',
	'MAR',
	'APR',
	'MAY',
	'JUN',
	'JUL',
	'AUG',
	'SEP',
	'OCT',
	'NOV',
	'DEC',
];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Parses a POSIX cron (`min hour dom month dow`); throws an Error whose message says what is wrong. */
export function parseCron(expression: string): CronSpec {
	const fields = expression.trim().split(/\s+/);
	if (fields.length !== 5) {
		throw new Error(
			`cron must have 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
		);
	}
	const dow = parseField(fields[4], 0, 7, 'day-of-week', DAY_NAMES, 0);
	if (dow.has(7)) {
		dow.delete(7);
		dow.add(0);
	}
	return {
		minutes: parseField(fields[0], 0, 59, 'minute'),
		hours: parseField(fields[1], 0, 23, 'hour'),
		daysOfMonth: parseField(fields[2], 1, 31, 'day-of-month'),
		months: parseField(fields[3], 1, 12, 'month', MONTH_NAMES, 1),
		daysOfWeek: dow,
		domRestricted: fields[2] !== '*',
		dowRestricted: fields[4] !== '*',
	};
}

function parseField(
	text: string,
	min: number,
	max: number,
	name: string,
	names?: string[],
	nameBase = 0,
): Set<number> {
	const values = new Set<number>();
	const value = (token: string): number => {
		const upper = token.toUpperCase();
		if (names && names.includes(upper)) return names.indexOf(upper) + nameBase;
		if (!/^\d+$/.test(token)) throw new Error(`cron ${name} field has an invalid value "${token}"`);
		const n = Number(token);
		if (n < min || n > max) throw new Error(`cron ${name} value ${n} is outside ${min}-${max}`);
		return n;
	};
	for (const part of text.split(',')) {
		const match = /^([^/]+)(?:\/(\d+))?$/.exec(part);
		if (!match) throw new Error(`cron ${name} field "${text}" is invalid`);
		const [, range, stepText] = match;
		const step = stepText === undefined ? 1 : Number(stepText);
		if (step < 1) throw new Error(`cron ${name} step must be at least 1`);
		let from: number;
		let to: number;
		if (range === '*') {
			from = min;
			to = max;
		} else if (range.includes('-')) {
			const [a, b] = range.split('-');
			from = value(a);
			to = value(b);
			if (from > to) throw new Error(`cron ${name} range "${range}" is reversed`);
		} else {
			from = value(range);
			to = stepText === undefined ? from : max;
		}
		for (let v = from; v <= to; v += step) values.add(v);
	}
	return values;
}

interface LocalParts {
	month: number;
	day: number;
	hour: number;
	minute: number;
	weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `timezone` is an IANA zone this Node knows. */
export function isValidTimeZone(timezone: string): boolean {
	try {
		formatterFor(timezone);
		return true;
	} catch {
		return false;
	}
}

function formatterFor(timezone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timezone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone: timezone,
			hourCycle: 'h23',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			weekday: 'short',
		});
		formatters.set(timezone, formatter);
	}
	return formatter;
}

function localParts(ms: number, timezone: string): LocalParts {
	const parts: Record<string, string> = {};
	for (const part of formatterFor(timezone).formatToParts(new Date(ms)))
		parts[part.type] = part.value;
	return {
		month: Number(parts.month),
		day: Number(parts.day),
		hour: Number(parts.hour) % 24,
		minute: Number(parts.minute),
		weekday: DAY_NAMES.indexOf(String(parts.weekday).toUpperCase().slice(0, 3)),
	};
}

/** The first minute strictly after `afterMs` that matches the cron in `timezone`; null if none within 5 years. */
export function nextCronTime(spec: CronSpec, timezone: string, afterMs: number): number | null {
	let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
	const limit = afterMs + 5 * 366 * 86_400_000;
	while (t <= limit) {
		const p = localParts(t, timezone);
		const domMatch = spec.daysOfMonth.has(p.day);
		const dowMatch = spec.daysOfWeek.has(p.weekday);
		// POSIX: when both day fields are restricted, either may match.
		const dayMatch =
			spec.domRestricted && spec.dowRestricted
				? domMatch || dowMatch
				: (!spec.domRestricted || domMatch) && (!spec.dowRestricted || dowMatch);
		if (!spec.months.has(p.month) || !dayMatch) {
			t += ((23 - p.hour) * 60 + (60 - p.minute)) * 60_000;
		} else if (!spec.hours.has(p.hour)) {
			t += (60 - p.minute) * 60_000;
		} else if (!spec.minutes.has(p.minute)) {
			t += 60_000;
		} else {
			return t;
		}
	}
	return null;
}
