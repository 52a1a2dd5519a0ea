/**
 * The Edges actions the node knows by name, with their input fields (docs/edges-api.md §6).
 *
 * Edges has no "list actions" endpoint (§2.7), so this list is kept by hand from the docs' Actions Library.
 * It only helps people pick an action and map its fields: an action missing here can still be run by typing
 * its slug, and then its inputs are sent as given, unchecked. No n8n imports, so it can be tested alone.
 */

export interface ActionCatalogEntry {
	slug: string;
	label: string;
	description: string;
	/** Fields every input of this action must have. */
	requiredFields: string[];
	/** Fields the action also accepts. */
	optionalFields: string[];
	/** The action acts with a LinkedIn identity of the workspace (identity mode / ids matter). */
	needsIdentity?: boolean;
	/**
	 * Whether a result says which input produced it. Edges' results come in the action's own format, with no
	 * reference to their input (docs/edges-api.md §2.2), so a result can only be matched to its input, and to the
	 * n8n item it came from, when it repeats an input field (../helpers/pairing.ts).
	 * - a list of fields: the docs show the results repeating them (Extract People's carry
	 *   `linkedin_profile_url`);
	 * - `none`: the results are things the action found (people of a search, likers of a post,
	 *   connections), never its input: with several inputs in a run they cannot be paired;
	 * - absent: the docs do not say; the node pairs what the results allow and says when it cannot.
	 */
	resultsRepeat?: readonly string[] | 'none';
	/** What one result is, in words a model reads in the tool description. */
	returns: string;
	/** When an agent should (or should not) pick this action; part of its tool description. */
	useWhen: string;
	/** Which fields Compact keeps of a result (`COMPACT_FIELDS`). */
	resultKind: ResultKind;
}

/**
 * The kinds of result the catalogued actions give. Compact output (tool mode, ./helpers/toolMode.ts) keeps
 * per kind the fields an agent reasons with, so a model gets ~250 bytes per profile instead of ~1.2 KB.
 */
export type ResultKind =
	| 'profile'
	| 'company'
	| 'contact'
	| 'engager'
	| 'connection'
	| 'conversation'
	| 'profileUrl'
	| 'companyUrl'
	| 'status';

export const ACTION_CATALOG: readonly ActionCatalogEntry[] = [
	{
		slug: 'linkedin-extract-people',
		label: 'LinkedIn: Extract People',
		description: 'Profile details of a LinkedIn member from their profile URL',
		requiredFields: ['linkedin_profile_url'],
		optionalFields: [],
		resultsRepeat: ['linkedin_profile_url'],
		returns: 'one profile: name, headline, location, current job, profile URL',
		useWhen:
			'you have a LinkedIn profile URL and need who the person is; not to find a URL from a name (use Find Profile URL)',
		resultKind: 'profile',
	},
	{
		slug: 'linkedin-extract-company',
		label: 'LinkedIn: Extract Company',
		description: 'Company page details from a LinkedIn company URL',
		requiredFields: ['linkedin_company_url'],
		optionalFields: [],
		returns: 'one company: name, website, industry, size, headquarters, company URL',
		useWhen:
			'you have a LinkedIn company URL and need facts about the company; not to find its URL from a name (use Find Company URL)',
		resultKind: 'company',
	},
	{
		slug: 'linkedin-search-people',
		label: 'LinkedIn: Search People',
		description: 'Profiles found by a LinkedIn people search URL',
		requiredFields: ['linkedin_people_search_url'],
		optionalFields: [],
		resultsRepeat: 'none',
		returns: 'a list of profiles (name, headline, location, profile URL), 10 per page',
		useWhen:
			'you have a LinkedIn people-search URL (linkedin.com/search/results/people/?...); not for one known person',
		resultKind: 'profile',
	},
	{
		slug: 'linkedin-search-companies',
		label: 'LinkedIn: Search Companies',
		description: 'Companies found by a LinkedIn company search URL',
		requiredFields: ['linkedin_company_search_url'],
		optionalFields: [],
		resultsRepeat: 'none',
		returns: 'a list of companies (name, industry, size, company URL)',
		useWhen: 'you have a LinkedIn company-search URL; not for one known company',
		resultKind: 'company',
	},
	{
		slug: 'linkedin-extract-contact',
		label: 'LinkedIn: Extract Contact',
		description: 'Contact details of a LinkedIn member from their profile URL',
		requiredFields: ['linkedin_profile_url'],
		optionalFields: [],
		returns: 'the contact details Edges finds for the person (emails, phones) and the profile URL',
		useWhen:
			'you need to reach a person whose profile URL you have; costs more credits than Extract People',
		resultKind: 'contact',
	},
	{
		slug: 'linkedin-extract-post-likers',
		label: 'LinkedIn: Extract Post Likers',
		description: 'People who liked a LinkedIn post',
		requiredFields: ['linkedin_post_url'],
		optionalFields: [],
		resultsRepeat: 'none',
		returns: 'a list of people who reacted (name, headline, reaction, profile URL)',
		useWhen: 'you have a LinkedIn post URL and need who reacted to it',
		resultKind: 'engager',
	},
	{
		slug: 'linkedin-extract-post-commenters',
		label: 'LinkedIn: Extract Post Commenters',
		description: 'People who commented on a LinkedIn post',
		requiredFields: ['linkedin_post_url'],
		optionalFields: [],
		resultsRepeat: 'none',
		returns: 'a list of people who commented (name, headline, comment, profile URL)',
		useWhen: 'you have a LinkedIn post URL and need who commented on it',
		resultKind: 'engager',
	},
	{
		slug: 'linkedin-find-profile-url',
		label: 'LinkedIn: Find Profile URL',
		description: 'The LinkedIn profile URL of a person from their name',
		requiredFields: ['first_name', 'last_name'],
		optionalFields: ['company_name'],
		returns: 'the best-matching profile: name, headline, profile URL',
		useWhen:
			"you know a person's first and last name (and ideally their company) but not their profile URL",
		resultKind: 'profileUrl',
	},
	{
		slug: 'linkedin-find-company-url',
		label: 'LinkedIn: Find Company URL',
		description: 'The LinkedIn company URL of a company from its name',
		requiredFields: ['company_name'],
		optionalFields: [],
		returns: 'the best-matching company: name and company URL',
		useWhen: "you know a company's name but not its LinkedIn URL",
		resultKind: 'companyUrl',
	},
	{
		slug: 'salesnavigator-search-people',
		label: 'Sales Navigator: Search People',
		description: 'Profiles found by a Sales Navigator people search URL',
		requiredFields: ['sales_navigator_profile_search_url'],
		optionalFields: [],
		needsIdentity: true,
		resultsRepeat: 'none',
		returns: 'a list of profiles found by the search (name, headline, location, profile URL)',
		useWhen:
			'you have a Sales Navigator people-search URL; needs a Sales Navigator identity in Edges',
		resultKind: 'profile',
	},
	{
		slug: 'salesnavigator-search-company-employees',
		label: 'Sales Navigator: Search Company Employees',
		description: 'Employees of a company in Sales Navigator',
		requiredFields: ['sales_navigator_company_url'],
		optionalFields: ['sales_navigator_profile_search_url'],
		needsIdentity: true,
		resultsRepeat: 'none',
		returns: 'a list of employees (name, headline, location, profile URL)',
		useWhen:
			'you have a Sales Navigator company URL and need its employees; needs a Sales Navigator identity',
		resultKind: 'profile',
	},
	{
		slug: 'linkedin-connect-profile',
		label: 'LinkedIn: Connect Profile',
		description: 'Sends a connection request from your LinkedIn identity',
		requiredFields: ['linkedin_profile_url'],
		optionalFields: [],
		needsIdentity: true,
		returns: 'the status of the connection request',
		useWhen:
			"the user asked to send a connection request to this person; it acts on LinkedIn in the user's name, so only when asked",
		resultKind: 'status',
	},
	{
		slug: 'linkedin-message-profile',
		label: 'LinkedIn: Message Profile',
		description: 'Sends a LinkedIn message from your identity',
		requiredFields: ['linkedin_profile_url'],
		optionalFields: [],
		needsIdentity: true,
		returns: 'the status of the message sent',
		useWhen:
			"the user asked to send this person a LinkedIn message; it acts in the user's name, so only when asked",
		resultKind: 'status',
	},
	{
		slug: 'linkedin-extract-connections',
		label: 'LinkedIn: Extract Connections',
		description: 'The connections of your LinkedIn identity (no input fields)',
		requiredFields: [],
		optionalFields: [],
		needsIdentity: true,
		resultsRepeat: 'none',
		returns: "a list of the identity's connections (name, headline, connected date, profile URL)",
		useWhen: "you need the people the user's LinkedIn identity is connected to; takes no input",
		resultKind: 'connection',
	},
	{
		slug: 'linkedin-extract-conversations',
		label: 'LinkedIn: Extract Conversations',
		description: 'The conversations of your LinkedIn identity (no input fields)',
		requiredFields: [],
		optionalFields: [],
		needsIdentity: true,
		resultsRepeat: 'none',
		returns: "a list of the identity's conversations (participants, last message, date)",
		useWhen: "you need the user's recent LinkedIn conversations; takes no input",
		resultKind: 'conversation',
	},
	{
		slug: 'linkedin-me',
		label: 'LinkedIn: Me',
		description: 'The profile of your LinkedIn identity (no input fields)',
		requiredFields: [],
		optionalFields: [],
		needsIdentity: true,
		resultsRepeat: 'none',
		returns: "the profile of the user's own LinkedIn identity",
		useWhen: 'you need who the connected LinkedIn identity is; takes no input',
		resultKind: 'profile',
	},
];

export type ResultPairing = 'pairs' | 'cannot' | 'unknown';

/** Whether the results of a run with several inputs of this action can be given back to their items. */
export function resultPairing(slug: string): ResultPairing {
	const repeat = findAction(slug)?.resultsRepeat;
	if (repeat === 'none') return 'cannot';
	return repeat && repeat.length > 0 ? 'pairs' : 'unknown';
}

/** A few words for the action picker, so the choice of Wait for Completion's Output is made knowingly. */
export function pairingNote(entry: ActionCatalogEntry): string {
	if (entry.resultsRepeat === 'none') return 'results cannot be paired to items';
	if (entry.resultsRepeat?.length)
		return `results name their input (${entry.resultsRepeat.join(', ')})`;
	return 'pairing of results to items not documented';
}

export function findAction(slug: string): ActionCatalogEntry | undefined {
	return ACTION_CATALOG.find((action) => action.slug === slug);
}

/** Case-insensitive search over slug and label, for the action picker. */
export function searchActions(filter?: string): ActionCatalogEntry[] {
	const needle = (filter ?? '').trim().toLowerCase();
	if (!needle) return [...ACTION_CATALOG];
	return ACTION_CATALOG.filter(
		(action) =>
			action.slug.includes(needle) ||
			action.label.toLowerCase().includes(needle) ||
			action.description.toLowerCase().includes(needle),
	);
}

/**
 * What each input field holds, for a model filling it through `$fromAI` (tool mode). n8n builds the tool's
 * input schema only from the `$fromAI()` calls in the node's parameters, and a field without a description
 * leaves the model guessing the format (issue 17).
 */
export const FIELD_DESCRIPTIONS: Readonly<Record<string, string>> = {
	linkedin_profile_url:
		'The LinkedIn profile URL of the person, e.g. https://www.linkedin.com/in/jane-doe/ (also /pub/, /sales/lead/ or /sales/people/ URLs)',
	linkedin_company_url:
		'The LinkedIn company page URL, e.g. https://www.linkedin.com/company/acme/ (also /school/ or /showcase/ pages)',
	linkedin_people_search_url:
		'A LinkedIn people-search URL with its filters, e.g. https://www.linkedin.com/search/results/people/?keywords=cto%20paris',
	linkedin_company_search_url:
		'A LinkedIn company-search URL with its filters, e.g. https://www.linkedin.com/search/results/companies/?keywords=robotics',
	linkedin_post_url:
		'The URL of a LinkedIn post, e.g. https://www.linkedin.com/posts/jane-doe_activity-7100000000000000000 or https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000000/',
	first_name: "The person's first name, e.g. Jane",
	last_name: "The person's last name, e.g. Doe",
	company_name: 'The company name as people write it, e.g. Acme Robotics',
	sales_navigator_profile_search_url:
		'A Sales Navigator people-search URL, e.g. https://www.linkedin.com/sales/search/people?query=...',
	sales_navigator_company_url:
		'A Sales Navigator company URL, e.g. https://www.linkedin.com/sales/company/1234567',
};

export function fieldDescription(field: string): string {
	return FIELD_DESCRIPTIONS[field] ?? `The "${field}" input field of the action`;
}

/** The tool description of one action, as the model reads it (tool mode). */
export function toolDescriptionFor(entry: ActionCatalogEntry, mode: 'live' | 'async'): string {
	const needs = entry.requiredFields.length
		? `Input: ${entry.requiredFields.join(', ')}.`
		: 'Input: none.';
	const how =
		mode === 'live'
			? 'Answers at once.'
			: 'Starts an Edges run and waits for it; if the wait ends first, the answer gives a run_uid to read later with the Edges Run Outputs tool.';
	return `Edges ${entry.label}: ${entry.description}. ${needs} Returns ${entry.returns}. Use it when ${entry.useWhen}. ${how} "Nothing found" comes back as an empty result, not an error.`;
}

/** The tool description when the model chooses the action: the catalog as the list to choose from. */
export function genericToolDescription(mode: 'live' | 'async'): string {
	const list = ACTION_CATALOG.map(
		(entry) =>
			`${entry.slug} (${entry.requiredFields.length ? entry.requiredFields.join(', ') : 'no input'}): ${entry.description}`,
	).join('; ');
	const how =
		mode === 'live'
			? 'Answers at once.'
			: 'Starts an Edges run and waits for it; if the wait ends first, the answer gives a run_uid to read later with the Edges Run Outputs tool.';
	return `Runs one Edges action (LinkedIn data) and returns its results. Set "action" to exactly one of these slugs, and "input" to an object with the fields it needs: ${list}. ${how} "Nothing found" comes back as an empty result, not an error.`;
}

/** The action slugs the catalog knows, for the `$fromAI` description of a model-chosen action. */
export function actionChoiceDescription(): string {
	return `The Edges action to run: exactly one of ${ACTION_CATALOG.map((entry) => entry.slug).join(', ')}`;
}

/** Description of the `input` object a model gives when it also chooses the action. */
export function genericInputDescription(): string {
	const fields = ACTION_CATALOG.filter((entry) => entry.requiredFields.length > 0)
		.map((entry) => `${entry.slug}: {${entry.requiredFields.join(', ')}}`)
		.join('; ');
	return `The input fields of the chosen action as a JSON object, e.g. {"linkedin_profile_url": "https://www.linkedin.com/in/jane-doe/"}. Fields per action: ${fields}. Give {"none": true} for an action with no input.`;
}

/**
 * The fields Compact keeps per result kind, in this order; the first present of each alternative group
 * (`a|b`) is kept under its own name. Field names are Edges' own, so a model can quote them back.
 */
export const COMPACT_FIELDS: Readonly<Record<ResultKind, readonly string[]>> = {
	profile: [
		'linkedin_profile_id',
		'full_name',
		'headline',
		'location',
		'job_title',
		'company_name',
		'linkedin_profile_url',
	],
	company: [
		'linkedin_company_id',
		'company_name',
		'website',
		'industries',
		'employees_range',
		'headquarters',
		'linkedin_company_url',
	],
	contact: ['full_name', 'emails', 'email', 'phones', 'phone', 'linkedin_profile_url'],
	engager: [
		'linkedin_profile_id',
		'full_name',
		'headline',
		'reaction_type',
		'comment',
		'linkedin_profile_url',
	],
	connection: [
		'linkedin_profile_id',
		'full_name',
		'headline',
		'connected_at',
		'linkedin_profile_url',
	],
	conversation: [
		'conversation_id',
		'participants',
		'last_message',
		'last_message_at',
		'linkedin_conversation_url',
	],
	profileUrl: ['full_name', 'headline', 'company_name', 'linkedin_profile_url'],
	companyUrl: ['company_name', 'linkedin_company_url'],
	status: [],
};
