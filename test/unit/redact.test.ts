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
