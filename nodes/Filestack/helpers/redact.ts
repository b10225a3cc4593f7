/** What stands in for a hidden value. */
export const REDACTED = '[redacted]';

/**
 * Forms of a policy, a signature or a key that a server may echo back with a request's URL or body: the URL
 * segment `security=p:…,s:…`, the query parameters `policy=`, `signature=` (S3's `X-Amz-Signature=` too), `key=`
 * and `apikey=`, and the same names as JSON fields.
 */
const DERIVED_SECRETS: Array<[RegExp, string]> = [
	[/\bsecurity=[^/\s"'<>]*/gi, `security=${REDACTED}`],
	[/\b(policy|signature|key|apikey)=[^&\s"'<>]*/gi, `$1=${REDACTED}`],
	[/"(policy|signature|key|apikey)"(\s*):(\s*)"[^"]*"/gi, `"$1"$2:$3"${REDACTED}"`],
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
