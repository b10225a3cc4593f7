import { FilestackValidationError } from './errors';

/**
 * What is wrong with a URL that Filestack is to fetch from its own servers, or undefined when nothing is. Only
 * http(s) is taken, and `src://` storage aliases where Filestack's processing URLs take them. A link-local host
 * (169.254.0.0/16, fe80::/10) is refused, and so is fd00:ec2::254: that is where cloud metadata services answer.
 * Loopback and private addresses are left to Filestack: from its servers they name Filestack's own network, not this
 * one. The URL is sent as given, so it must read the same to every parser: no backslash, tab or line break (WHATWG
 * parsers take `\` for `/` and drop the others, other parsers do not) and no user info (`user@host`), whose end
 * parsers disagree on. Refused rather than normalised: the string checked and signed is the string sent.
 */
export function fetchUrlProblem(value: string, storageAlias: boolean): string | undefined {
	const schemes = storageAlias
		? 'http://, https:// or src:// (a storage alias)'
		: 'http:// or https://';
	const scheme = /^([a-z][a-z0-9+.-]*):\/\/\S/i.exec(value)?.[1]?.toLowerCase();
	if (scheme !== 'http' && scheme !== 'https' && !(scheme === 'src' && storageAlias)) {
		return `only ${schemes} URLs can be fetched`;
	}
	if (/[\\\t\r\n]/.test(value)) {
		return 'it holds a backslash, tab or line break, which URL parsers read differently';
	}
	if (scheme === 'src') return undefined;
	if (/^[^:]+:\/\/[^/?#]*@/.test(value)) {
		return 'it holds user info (user@host), and URL parsers disagree on where that ends';
	}
	let host: string;
	try {
		host = new URL(value).hostname;
	} catch {
		return 'it is not a valid URL';
	}
	if (isLinkLocal(host)) {
		return 'it points to a link-local address (169.254.0.0/16 or fe80::/10), where cloud metadata services answer';
	}
	if (host === AWS_IPV6_METADATA) {
		return "it points to fd00:ec2::254, the IPv6 address of AWS's metadata service";
	}
	return undefined;
}

/** Throws a FilestackValidationError naming `what` when Filestack should not fetch the URL. */
export function checkFetchUrl(what: string, value: string, storageAlias: boolean): void {
	const problem = fetchUrlProblem(value, storageAlias);
	if (problem)
		throw new FilestackValidationError(`${what} ${JSON.stringify(value)} is refused: ${problem}`);
}

/** As the URL parser writes it: AWS EC2's instance metadata service over IPv6. */
const AWS_IPV6_METADATA = '[fd00:ec2::254]';

/** The URL parser has written IPv4 hosts in dotted decimal and IPv6 ones in brackets, lower case. */
function isLinkLocal(host: string): boolean {
	if (/^169\.254\.\d+\.\d+$/.test(host)) return true;
	if (!host.startsWith('[')) return false;
	const address = host.slice(1, -1);
	if (/^fe[89ab][0-9a-f]:/.test(address)) return true;
	// An IPv4 address within IPv6 (::ffff:a9fe:a9fe is 169.254.169.254).
	return /^::(?:ffff:)?a9fe:[0-9a-f]{1,4}$/.test(address);
}
