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
}

export const ACTION_CATALOG: readonly ActionCatalogEntry[] = [
	{
		slug: 'linkedin-extract-people',
		label: 'LinkedIn: Extract People',
		description: 'Profile details of a LinkedIn member from their profile URL',
		requiredFields: ['linkedin_profile_url'],
		optionalFields: [],
		resultsRepeat: ['linkedin_profile_url'],
	},
	{
		slug: 'linkedin-extract-company',
		label: 'LinkedIn: Extract Company',
		description: 'Company page details from a LinkedIn company URL',
		requiredFields: ['linkedin_company_url'],
		optionalFields: [],
	},
	{
		slug: 'linkedin-search-people',
		label: 'LinkedIn: Search People',
		description: 'Profiles found by a LinkedIn people search URL',
		requiredFields: ['linkedin_people_search_url'],
		optionalFields: [],
		resultsRepeat: 'none',
	},
	{
		slug: 'linkedin-search-companies',
		label: 'LinkedIn: Search Companies',
		description: 'Companies found by a LinkedIn company search URL',
		requiredFields: ['linkedin_company_search_url'],
		optionalFields: [],
		resultsRepeat: 'none',
	},
	{
		slug: 'linkedin-extract-contact',
		label: 'LinkedIn: Extract Contact',
		description: 'Contact details of a LinkedIn member from their profile URL',
		requiredFields: ['linkedin_profile_url'],
		optionalFields: [],
	},
	{
		slug: 'linkedin-extract-post-likers',
		label: 'LinkedIn: Extract Post Likers',
		description: 'People who liked a LinkedIn post',
		requiredFields: ['linkedin_post_url'],
		optionalFields: [],
		resultsRepeat: 'none',
	},
	{
		slug: 'linkedin-extract-post-commenters',
		label: 'LinkedIn: Extract Post Commenters',
		description: 'People who commented on a LinkedIn post',
		requiredFields: ['linkedin_post_url'],
		optionalFields: [],
		resultsRepeat: 'none',
	},
	{
		slug: 'linkedin-find-profile-url',
		label: 'LinkedIn: Find Profile URL',
		description: 'The LinkedIn profile URL of a person from their name',
		requiredFields: ['first_name', 'last_name'],
		optionalFields: ['company_name'],
	},
	{
		slug: 'linkedin-find-company-url',
		label: 'LinkedIn: Find Company URL',
		description: 'The LinkedIn company URL of a company from its name',
		requiredFields: ['company_name'],
		optionalFields: [],
	},
	{
		slug: 'salesnavigator-search-people',
		label: 'Sales Navigator: Search People',
		description: 'Profiles found by a Sales Navigator people search URL',
		requiredFields: ['sales_navigator_profile_search_url'],
		optionalFields: [],
		needsIdentity: true,
		resultsRepeat: 'none',
	},
	{
		slug: 'salesnavigator-search-company-employees',
		label: 'Sales Navigator: Search Company Employees',
		description: 'Employees of a company in Sales Navigator',
		requiredFields: ['sales_navigator_company_url'],
		optionalFields: ['sales_navigator_profile_search_url'],
		needsIdentity: true,
		resultsRepeat: 'none',
	},
	{
		slug: 'linkedin-connect-profile',
		label: 'LinkedIn: Connect Profile',
		description: 'Sends a connection request from your LinkedIn identity',
		requiredFields: ['linkedin_profile_url'],
		optionalFields: [],
		needsIdentity: true,
	},
	{
		slug: 'linkedin-message-profile',
		label: 'LinkedIn: Message Profile',
		description: 'Sends a LinkedIn message from your identity',
		requiredFields: ['linkedin_profile_url'],
		optionalFields: [],
		needsIdentity: true,
	},
	{
		slug: 'linkedin-extract-connections',
		label: 'LinkedIn: Extract Connections',
		description: 'The connections of your LinkedIn identity (no input fields)',
		requiredFields: [],
		optionalFields: [],
		needsIdentity: true,
		resultsRepeat: 'none',
	},
	{
		slug: 'linkedin-extract-conversations',
		label: 'LinkedIn: Extract Conversations',
		description: 'The conversations of your LinkedIn identity (no input fields)',
		requiredFields: [],
		optionalFields: [],
		needsIdentity: true,
		resultsRepeat: 'none',
	},
	{
		slug: 'linkedin-me',
		label: 'LinkedIn: Me',
		description: 'The profile of your LinkedIn identity (no input fields)',
		requiredFields: [],
		optionalFields: [],
		needsIdentity: true,
		resultsRepeat: 'none',
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
