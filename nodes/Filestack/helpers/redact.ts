/** What stands in for a hidden value. */
export const REDACTED = '[redacted]';

/** A character as written or percent-encoded, once or more (a URL inside a URL). */
function written(...chars: string[]): string {
	const plain = chars.map((char) => `\\${char}`).join('|');
	const encoded = chars.map((char) => char.charCodeAt(0).toString(16).toUpperCase()).join('|');
	return `(?:${plain}|%(?:25)*(?:${encoded}))`;
}

/** A name's start: a word boundary, or right after a percent-escape (`security%3Dp%3A…`). */
const START = String.raw`(?:\b|(?<=%(?:25)*[0-9a-f]{2}))`;
const EQUALS = written('=');
const COLON = written(':');
const SEPARATOR = written(':', '=');
/** A quote, also escaped in JSON inside JSON. */
const QUOTE = String.raw`(?:\\*["']|${written('"', "'")})`;
/** A policy (URL-safe base64 with `=` padding), a signature (hex) or an API key. */
const VALUE = String.raw`(?:[\w-]|${EQUALS})+`;

const pattern = (source: string) => new RegExp(source, 'gi');

/**
 * Forms of a policy, a signature or a key that a server may echo back, also percent-encoded: a signed pair
 * `p:…,s:…` anywhere (the URL segment `security=p:…,s:…`, its JSON form `"security":"p:…,s:…"`), `policy=`,
 * `signature=` (S3's `X-Amz-Signature=` too), `key=` and `apikey=`, the same names as JSON fields, Filestack's own
 * error text `(signature: "…"; policy "…")`, and S3's `<SignatureProvided>`.
 */
const DERIVED_SECRETS: Array<[RegExp, string]> = [
	[pattern(`${START}p${COLON}${VALUE}\\s*${written(',')}\\s*s${COLON}[0-9a-f]+`), REDACTED],
	[/\bsecurity=[^/\s"'<>]*/gi, `security=${REDACTED}`],
	[
		pattern(`(${START}(?:policy|signature)${QUOTE}?\\s*${SEPARATOR}\\s*${QUOTE}?)${VALUE}`),
		`$1${REDACTED}`,
	],
	// Without a separator, only what has a policy's or a signature's shape: `Policy "call" must…` stays.
	[
		pattern(`(${START}(?:policy|signature)\\s+${QUOTE})(?=eyJ|[0-9a-f]{16})${VALUE}`),
		`$1${REDACTED}`,
	],
	[
		pattern(`(${START}(?:key|apikey)(?:${EQUALS}|${QUOTE}\\s*${COLON}\\s*${QUOTE}))${VALUE}`),
		`$1${REDACTED}`,
	],
	[/(<\w*Signature\w*>)[^<]+/gi, `$1${REDACTED}`],
];

/** Text with the credential's secrets (the API key, the app secret) and anything derived from them hidden. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
	let result = text;
	for (const secret of secrets) {
		if (!secret) continue;
		for (const form of new Set([secret, encodeURIComponent(secret)])) {
			result = result.split(form).join(REDACTED);
		}
	}
	for (const [pattern, replacement] of DERIVED_SECRETS)
		result = result.replace(pattern, replacement);
	return result;
}
