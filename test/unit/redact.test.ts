import { redact } from '../../nodes/Filestack/helpers/redact';

describe('redact: the credential and what is derived from it, hidden in any text', () => {
	it.each([
		[
			'a security segment',
			'GET /resize=width:3/security=p:eyJleHBpcnkiOjF9,s:0a1b2c/HANDLE',
			'GET /resize=width:3/security=[redacted]/HANDLE',
		],
		[
			'policy, signature and key in a query',
			'DELETE /api/file/H?key=K&policy=eyJ9&signature=abc123&base64decode=false',
			'DELETE /api/file/H?key=[redacted]&policy=[redacted]&signature=[redacted]&base64decode=false',
		],
		[
			"S3's signature",
			'https://bucket.s3.amazonaws.com/x?X-Amz-Signature=deadbeef&X-Amz-Date=1',
			'https://bucket.s3.amazonaws.com/x?X-Amz-Signature=[redacted]&X-Amz-Date=1',
		],
		[
			'JSON fields',
			'{"apikey":"K","tasks":[{"params":{"policy":"eyJ9", "signature" : "abc"}}]}',
			'{"apikey":"[redacted]","tasks":[{"params":{"policy":"[redacted]", "signature" : "[redacted]"}}]}',
		],
		[
			'the API key in a path',
			'later from https://cdn.example.com/MYAPIKEY123/video_convert/https://a.b/c.mov',
			'later from https://cdn.example.com/[redacted]/video_convert/https://a.b/c.mov',
		],
		[
			"Filestack's policy error quoting the signature and policy",
			'application [MYAPIKEY123] policy error: proper credentials were not provided: (signature: "0a8dc23c7415"; policy "eyJjYWxsIjogWyJyZWFkIl19")',
			'application [[redacted]] policy error: proper credentials were not provided: (signature: "[redacted]"; policy "[redacted]")',
		],
		[
			'a signature after a colon',
			'signature: abc policy: eyJj',
			'signature: [redacted] policy: [redacted]',
		],
		[
			'JSON quoted inside JSON',
			'{"error":"{\\"signature\\": \\"0a8dc23c\\", \\"policy\\": \\"eyJj\\"}"}',
			'{"error":"{\\"signature\\": \\"[redacted]\\", \\"policy\\": \\"[redacted]\\"}"}',
		],
		['a security JSON field', '{"security":"p:eyJj,s:0a8dc23c"}', '{"security":"[redacted]"}'],
		['a signed pair anywhere', 'sent p:eyJjYQ== , s:0a8dc23c here', 'sent [redacted] here'],
		[
			'a percent-encoded security segment',
			'GET https%3A%2F%2Fcdn.example.com%2Fsecurity%3Dp%3AeyJj%2Cs%3A0a8dc23c%2FHANDLE failed',
			'GET https%3A%2F%2Fcdn.example.com%2Fsecurity%3D[redacted]%2FHANDLE failed',
		],
		[
			'a twice percent-encoded security segment',
			'x?url=https%253A%252F%252Fcdn%252Fsecurity%253Dp%253AeyJj%253D%252Cs%253A0a8d%252FH',
			'x?url=https%253A%252F%252Fcdn%252Fsecurity%253D[redacted]%252FH',
		],
		[
			'a percent-encoded query',
			'u=https%3A%2F%2Fa%2Ff%3Fkey%3DK%26policy%3DeyJj%253D%26signature%3D0a8d%26x%3D1',
			'u=https%3A%2F%2Fa%2Ff%3Fkey%3D[redacted]%26policy%3D[redacted]%26signature%3D[redacted]%26x%3D1',
		],
		[
			"S3's signature in its XML error",
			'<Error><SignatureProvided>0a8dc23c</SignatureProvided></Error>',
			'<Error><SignatureProvided>[redacted]</SignatureProvided></Error>',
		],
		[
			'policy field names in a validation message',
			'Policy "call" must list at least one call; Policy "container" must be a non-empty string',
			'Policy "call" must list at least one call; Policy "container" must be a non-empty string',
		],
		[
			'text without secrets',
			'Task "resize": unknown parameter "size"',
			'Task "resize": unknown parameter "size"',
		],
	])('%s', (_, text, shown) => {
		expect(redact(text, ['MYAPIKEY123'])).toBe(shown);
	});

	it('a secret percent-encoded too', () => {
		expect(redact('x=a%2Fb%3D and a/b=', ['a/b='])).toBe('x=[redacted] and [redacted]');
	});
});
