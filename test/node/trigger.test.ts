import { createHmac } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Harness, WebhookCall, WebhookRequest } from '../harness';
import { createHarness, FILESTACK_TRIGGER_NODE_TYPE, n8nLogger } from '../harness';
import { webhookSignature } from '../support/signatures';

// The Filestack Trigger's webhook() as n8n's webhook server calls it, on the built package: what it accepts,
// what it refuses (and how), and what it emits.
const SECRET = 'trigger-webhook-secret';
const DAY = 86_400;

let harness: Harness;

beforeAll(async () => {
	harness = await createHarness({
		credentials: { filestackApi: { apiKey: 'TRIGGER_KEY', webhookSecret: SECRET } },
	});
});

afterAll(async () => {
	await harness.close();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A delivery as Filestack sends it: the exact body bytes, signed with a timestamp `age` seconds old. */
function delivery(body: Buffer | string, { secret = SECRET, age = 0 } = {}): WebhookRequest {
	const timestamp = String(nowSeconds() - age);
	return {
		body,
		headers: {
			'Content-Type': 'application/json',
			'FS-Timestamp': timestamp,
			'FS-Signature': webhookSignature(secret, timestamp, body),
		},
	};
}

function eventBody(id: number, action = 'fp.upload'): string {
	return JSON.stringify({
		id,
		action,
		timestamp: nowSeconds(),
		text: { url: `https://cdn.example/${id}` },
	});
}

function trigger(parameters: INodeParameters = {}) {
	return { name: 'Filestack Trigger', type: FILESTACK_TRIGGER_NODE_TYPE, parameters };
}

async function call(
	request: WebhookRequest,
	parameters?: INodeParameters,
	staticData: IDataObject = {},
) {
	return await harness.webhook(trigger(parameters), request, { staticData });
}

/**
 * The status n8n answers with: what the node wrote itself when it returned `noWebhookResponse`, otherwise the
 * webhook's response code (200 when the description sets none).
 */
function httpStatus({ result, response }: WebhookCall): number {
	if (result.noWebhookResponse === true) {
		if (!response.ended) throw new Error('The node took over the response but never ended it');
		return response.statusCode;
	}
	if (response.ended) throw new Error('The node wrote a response but let n8n answer too');
	return 200;
}

/** Accepted: 200 and exactly one item, the payload. */
function expectStarted(done: WebhookCall, payload: unknown) {
	expect(httpStatus(done)).toBe(200);
	expect(done.result.workflowData).toEqual([[{ json: payload }]]);
}

/** Refused: that status, no execution, and a reason that gives away neither the secret nor the expected signature. */
function expectRefused(done: WebhookCall, status: number, reason: RegExp) {
	expect(httpStatus(done)).toBe(status);
	expect(done.result.workflowData).toBeUndefined();
	expect(done.response.body).toEqual({ error: expect.stringMatching(reason) });
	const sent = JSON.stringify(done.response.body);
	expect(sent).not.toContain(SECRET);
	const timestamp = done.request.headers['fs-timestamp'];
	if (typeof timestamp === 'string')
		expect(sent).not.toContain(webhookSignature(SECRET, timestamp, done.request.rawBody ?? ''));
}

/** Acknowledged with 200 but starting nothing. */
function expectIgnored(done: WebhookCall, ignored: string) {
	expect(httpStatus(done)).toBe(200);
	expect(done.result.workflowData).toBeUndefined();
	expect(done.result.webhookResponse).toEqual({ received: true, ignored });
}

const WINDOW = /FS-Timestamp is outside the accepted window/;
const MISMATCH = /FS-Signature does not match/;

describe('deliveries that start the workflow', () => {
	// Protocol §10.2: the Python SDK's test vector (webhook secret, body bytes) and the JavaScript SDK's.
	const PY = {
		signedWith: 'webhook-secret',
		timestamp: '123456789999',
		body: '{"text": {"filename": "filename.jpg", "key": "kGaeljnga9wkysK6Z_filename.jpg"}}',
		signature: '57cbb25386c3d6ff758a7a75cf52ba02cf2b0a1a2d6d5dfb9c886553ca6011cb',
	};
	const JS = {
		signedWith: 'Y5cWb1rdRDSTSqEjF5pv', // the webhook secret
		timestamp: '1559199901',
		body: '{"id": 6844, "action": "fp.upload", "timestamp": 1559199901, "text": {"url": "http://cdn.filestackapi.dev/xK88QArxRiyVvFzo4p33", "client": "Computer", "data": {"filename": "01 (1).png", "type": "image/png", "size": 881855}}}',
		signature: '14495b54b246e1352bb69cd91c5c1bfe2221f2d0330414b3df8f5fb2903db730',
	};
	const withSecret = (secret: string) => ({
		filestackApi: { apiKey: 'TRIGGER_KEY', webhookSecret: secret },
	});

	it.each([
		['Python', PY],
		['JavaScript', JS],
	])(
		'accepts the %s SDK vector signed with a current timestamp, and emits its payload',
		async (_, vector) => {
			const done = await harness.webhook(
				trigger(),
				delivery(vector.body, { secret: vector.signedWith }),
				{
					credentials: withSecret(vector.signedWith),
					staticData: {},
				},
			);
			expectStarted(done, JSON.parse(vector.body));
		},
	);

	it('checks the published signatures themselves: the JavaScript vector verbatim passes once its age is allowed', async () => {
		const request = {
			body: JS.body,
			headers: {
				'Content-Type': 'application/json',
				'FS-Timestamp': JS.timestamp,
				'FS-Signature': JS.signature,
			},
		};
		const options = { credentials: withSecret(JS.signedWith), staticData: {} };
		expect(webhookSignature(JS.signedWith, JS.timestamp, JS.body)).toBe(JS.signature);

		// Signed right, but from 2019: refused for its age, not for its signature.
		expectRefused(await harness.webhook(trigger(), request, options), 401, WINDOW);
		// A minute after it was sent, it passes.
		const clock = jest.spyOn(Date, 'now').mockReturnValue((Number(JS.timestamp) + 60) * 1000);
		try {
			expectStarted(await harness.webhook(trigger(), request, options), JSON.parse(JS.body));
		} finally {
			clock.mockRestore();
		}
	});

	it('refuses the Python vector verbatim for its timestamp, far in the future, not for its signature', async () => {
		expect(webhookSignature(PY.signedWith, PY.timestamp, PY.body)).toBe(PY.signature);
		const request = {
			body: PY.body,
			headers: { 'FS-Timestamp': PY.timestamp, 'FS-Signature': PY.signature },
		};
		const done = await harness.webhook(trigger(), request, {
			credentials: withSecret(PY.signedWith),
			staticData: {},
		});
		expectRefused(done, 401, WINDOW);
	});

	it.each([
		[
			'tabs and CRLF line breaks',
			'{\r\n\t"id": 101,\r\n\t"action": "fp.upload",\r\n\t"text": {"url": "x"}\r\n}\r\n',
		],
		['spaces before and after', '   {"id":102 , "action" :"fp.upload","text":{ }}   \n\n'],
		[
			'unicode as UTF-8 bytes',
			'{"id":103,"action":"fp.upload","text":{"filename":"naïve 日本語 🎉 résumé.png"}}',
		],
		[
			'unicode as escapes',
			'{"id":104,"action":"fp.upload","text":{"filename":"na\\u00efve \\ud83c\\udf89.png"}}',
		],
		[
			'a NUL escape and a long key',
			`{"id":105,"action":"fp.upload","text":{"k":"a\\u0000b","${'x'.repeat(5000)}":1}}`,
		],
	])('verifies the exact bytes of a body with %s', async (_, body) => {
		const done = await call(delivery(body));
		expect(done.request.rawBody?.equals(Buffer.from(body))).toBe(true);
		expectStarted(done, JSON.parse(body));
	});

	it('verifies a body that is not labelled JSON (no content type) the same way', async () => {
		const body = eventBody(106);
		const { headers } = delivery(body);
		delete headers!['Content-Type'];
		expectStarted(await call({ body, headers }), JSON.parse(body));
	});

	it('accepts Filestack retries: 12 hours late, and just inside the one-day default window', async () => {
		const retried = eventBody(107);
		expectStarted(await call(delivery(retried, { age: 12 * 3600 })), JSON.parse(retried));
		const late = eventBody(108);
		expectStarted(await call(delivery(late, { age: DAY - 10 })), JSON.parse(late));
	});

	it('accepts a timestamp a little ahead of our clock (under 300 s)', async () => {
		const body = eventBody(109);
		expectStarted(await call(delivery(body, { age: -250 })), JSON.parse(body));
	});

	it.each([
		['lower case', 'fs-signature', 'fs-timestamp'],
		['upper case', 'FS-SIGNATURE', 'FS-TIMESTAMP'],
		['mixed case', 'Fs-SiGnAtUrE', 'fS-tImEsTaMp'],
	])('finds the headers in %s', async (_, signatureName, timestampName) => {
		const body = eventBody(110);
		const timestamp = String(nowSeconds());
		const headers = {
			[signatureName]: webhookSignature(SECRET, timestamp, body),
			[timestampName]: timestamp,
		};
		expectStarted(await call({ body, headers }), JSON.parse(body));
	});
});

describe('deliveries refused with 401', () => {
	it('refuses a signature made with another secret', async () => {
		expectRefused(
			await call(delivery(eventBody(201), { secret: 'not-the-webhook-secret' })),
			401,
			MISMATCH,
		);
	});

	it.each([
		['the Python test\'s "incorrect-signature"', 'incorrect-signature'],
		['a truncated signature', (valid: string) => valid.slice(0, 63)],
		[
			'a signature one digit off',
			(valid: string) => `${valid.slice(0, 63)}${valid.endsWith('0') ? '1' : '0'}`,
		],
		['a signature with extra characters', (valid: string) => `${valid}00`],
		[
			'the signature of the body alone',
			(_: string, body: string) => createHmac('sha256', SECRET).update(body).digest('hex'),
		],
	])('refuses %s', async (_, signature) => {
		const body = eventBody(202);
		const request = delivery(body);
		const valid = request.headers!['FS-Signature'];
		request.headers!['FS-Signature'] =
			typeof signature === 'string' ? signature : signature(valid, body);
		expectRefused(await call(request), 401, MISMATCH);
	});

	it('refuses a delivery whose timestamp was changed after signing', async () => {
		const request = delivery(eventBody(203), { age: 60 });
		request.headers!['FS-Timestamp'] = String(nowSeconds());
		expectRefused(await call(request), 401, MISMATCH);
	});

	it.each([
		['FS-Signature', /FS-Signature header is missing/],
		['FS-Timestamp', /FS-Timestamp header is missing/],
	])('refuses a delivery without %s', async (header, reason) => {
		const request = delivery(eventBody(204));
		delete request.headers![header];
		expectRefused(await call(request), 401, reason);
		request.headers![header] = '';
		expectRefused(await call(request), 401, reason);
	});

	it('refuses an unsigned delivery, even of a selected event', async () => {
		const done = await call({ body: eventBody(205) }, { events: ['fp.upload'] });
		expectRefused(done, 401, /FS-Signature header is missing/);
	});

	it('refuses a badly signed delivery of an event that is filtered out: the signature comes first', async () => {
		const done = await call(delivery(eventBody(206, 'fp.delete'), { secret: 'wrong' }), {
			events: ['fp.upload'],
		});
		expectRefused(done, 401, MISMATCH);
	});

	it('refuses the same object re-serialized: the signature holds over the bytes received', async () => {
		const original =
			'{"id": 207, "action": "fp.upload", "text": {"url": "https://cdn.example/207"}}';
		const signed = delivery(original);
		const reserialized = JSON.stringify(JSON.parse(original));
		expect(reserialized).not.toBe(original);
		expectRefused(await call({ ...signed, body: reserialized }), 401, MISMATCH);
		expectRefused(await call({ ...signed, body: JSON.parse(original) as object }), 401, MISMATCH);
		expectStarted(await call(signed), JSON.parse(original));
	});

	it('refuses a stale timestamp: older than the one-day default, or than the configured maximum age', async () => {
		expectRefused(await call(delivery(eventBody(208), { age: DAY + 10 })), 401, WINDOW);
		const tenMinutes = { options: { maxAgeSeconds: 600 } };
		expectRefused(await call(delivery(eventBody(209), { age: 700 }), tenMinutes), 401, WINDOW);
		const body = eventBody(210);
		expectStarted(await call(delivery(body, { age: 500 }), tenMinutes), JSON.parse(body));
	});

	it.each([
		['text an expression gave', '={{ "abc" }}', '"abc"'],
		['a number far above 7 days', '={{ 1e12 }}', '1000000000000'],
		['a number under 60 s', 30, '30'],
		['a number that is none', '={{ NaN }}', 'NaN'],
	])(
		'refuses every delivery, and logs why, when Maximum Age is %s',
		async (_, maxAgeSeconds, shown) => {
			const logged = jest.spyOn(n8nLogger(), 'error').mockImplementation(() => {});
			try {
				const done = await call(delivery(eventBody(214), { age: 30 * DAY }), {
					options: { maxAgeSeconds },
				});
				expectRefused(done, 500, /Maximum Age \(Seconds\) must be a number from 60 to 604800/);
				expect(done.response.body).toEqual({ error: expect.stringContaining(`(got ${shown})`) });
				expect(logged).toHaveBeenCalledWith(
					expect.stringMatching(
						/^Filestack Trigger "Filestack Trigger": Maximum Age \(Seconds\) must be a number from 60 to 604800 .*every delivery is refused/,
					),
				);
			} finally {
				logged.mockRestore();
			}
		},
	);

	it('takes a Maximum Age an expression gives as digits', async () => {
		const options = { options: { maxAgeSeconds: '={{ "600" }}' } };
		expectRefused(await call(delivery(eventBody(215), { age: 700 }), options), 401, WINDOW);
		const body = eventBody(216);
		expectStarted(await call(delivery(body, { age: 500 }), options), JSON.parse(body));
	});

	it('refuses a timestamp more than 300 s in the future', async () => {
		expectRefused(await call(delivery(eventBody(211), { age: -310 })), 401, WINDOW);
	});

	it.each(['yesterday', '1.7e9', '-5', '0x65f0a000'])(
		'refuses a signed timestamp that is no Unix time: %s',
		async (timestamp) => {
			const body = eventBody(212);
			const request = {
				body,
				headers: {
					'FS-Timestamp': timestamp,
					'FS-Signature': webhookSignature(SECRET, timestamp, body),
				},
			};
			expectRefused(await call(request), 401, WINDOW);
		},
	);

	it('refuses every delivery, with a reason, when the credential has no webhook secret', async () => {
		const done = await harness.webhook(trigger(), delivery(eventBody(213)), {
			credentials: { filestackApi: { apiKey: 'TRIGGER_KEY' } },
			staticData: {},
		});
		expectRefused(done, 401, /credential has no webhook secret/);
	});
});

describe('deliveries acknowledged without an execution', () => {
	it('starts once for one delivery id: a replay, or a retry signed anew, gets 200 and nothing runs', async () => {
		const staticData: IDataObject = {};
		const body = eventBody(301);
		const request = delivery(body);
		expectStarted(await call(request, {}, staticData), JSON.parse(body));

		expectIgnored(await call(request, {}, staticData), 'duplicate delivery');
		expectIgnored(
			await call(delivery(body, { age: 30 * 60 }), {}, staticData),
			'duplicate delivery',
		);
		const other = eventBody(302);
		expectStarted(await call(delivery(other), {}, staticData), JSON.parse(other));
	});

	it('remembers delivery ids per workflow, in its static data', async () => {
		const body = eventBody(303);
		const first: IDataObject = {};
		expectStarted(await call(delivery(body), {}, first), JSON.parse(body));
		expect(JSON.stringify(first)).toContain('"303"');
		expectStarted(await call(delivery(body), {}, {}), JSON.parse(body));
	});

	it("remembers them in this process too, for n8n versions that lose a webhook's change to static data", async () => {
		const body = eventBody(310);
		const production = { workflowId: 'wf-process-memory' };
		expectStarted(
			await harness.webhook(trigger(), delivery(body), { ...production, staticData: {} }),
			JSON.parse(body),
		);
		expectIgnored(
			await harness.webhook(trigger(), delivery(body), { ...production, staticData: {} }),
			'duplicate delivery',
		);

		const elsewhere = await harness.webhook(trigger(), delivery(body), {
			workflowId: 'wf-other',
			staticData: {},
		});
		expectStarted(elsewhere, JSON.parse(body));
		const renamed = {
			name: 'Another Filestack Trigger',
			type: FILESTACK_TRIGGER_NODE_TYPE,
			parameters: {},
		};
		expectStarted(
			await harness.webhook(renamed, delivery(body), { ...production, staticData: {} }),
			JSON.parse(body),
		);
	});

	it('lets a test delivery be sent again and again, and keeps static data the only memory it consults', async () => {
		const body = eventBody(311);
		const test = { workflowId: 'wf-test-deliveries', mode: 'manual' as const };
		expectStarted(
			await harness.webhook(trigger(), delivery(body), { ...test, staticData: {} }),
			JSON.parse(body),
		);
		expectStarted(
			await harness.webhook(trigger(), delivery(body), { ...test, staticData: {} }),
			JSON.parse(body),
		);

		const saved: IDataObject = {};
		expectStarted(
			await harness.webhook(trigger(), delivery(body), { ...test, staticData: saved }),
			JSON.parse(body),
		);
		expectIgnored(
			await harness.webhook(trigger(), delivery(body), { ...test, staticData: saved }),
			'duplicate delivery',
		);
	});

	it('tells ids apart from the names of object properties', async () => {
		const staticData: IDataObject = {};
		for (const id of ['constructor', 'toString', '__proto__']) {
			const body = JSON.stringify({ id, action: 'fp.upload', timestamp: nowSeconds(), text: {} });
			expectStarted(await call(delivery(body), {}, staticData), JSON.parse(body));
			expectIgnored(await call(delivery(body), {}, staticData), 'duplicate delivery');
		}
	});

	it('tells ids apart by their JSON: 1 and "1", or two different objects, are two deliveries', async () => {
		const staticData: IDataObject = {};
		const withId = (id: unknown) =>
			JSON.stringify({ id, action: 'fp.upload', timestamp: nowSeconds(), text: {} });
		for (const id of [1, '1', { a: 1 }, { a: 2 }, [1], true, 'true']) {
			const body = withId(id);
			expectStarted(await call(delivery(body), {}, staticData), JSON.parse(body));
		}
		for (const id of [1, '1', { a: 1 }, { a: 2 }]) {
			expectIgnored(await call(delivery(withId(id)), {}, staticData), 'duplicate delivery');
		}
	});

	it('ignores, and logs, a replay of a delivery whose id was forgotten to make room for 10,000 newer ones', async () => {
		const staticData: IDataObject = {};
		const body = eventBody(320);
		const first = delivery(body, { age: 60 });
		expectStarted(await call(first, {}, staticData), JSON.parse(body));
		// 9,999 deliveries sent since, as static data keeps their ids (sending them takes a minute), then one more.
		const { seenDeliveries: seen } = staticData['node:Filestack Trigger'] as {
			seenDeliveries: IDataObject;
		};
		for (let i = 0; i < 9_999; i++) seen[JSON.stringify(`since-${i}`)] = nowSeconds() - 30;
		const latest = eventBody(321);
		expectStarted(await call(delivery(latest), {}, staticData), JSON.parse(latest));

		const logged = jest.spyOn(n8nLogger(), 'warn').mockImplementation(() => {});
		try {
			expectIgnored(await call(first, {}, staticData), 'possible replay of a forgotten delivery');
			expect(logged).toHaveBeenCalledWith(
				'Filestack Trigger "Filestack Trigger": delivery 320 is ignored as a possible replay: it was sent no later than delivery ids forgotten to make room (more than 10000 within Maximum Age)',
			);
		} finally {
			logged.mockRestore();
		}
		const fresh = eventBody(322);
		expectStarted(await call(delivery(fresh), {}, staticData), JSON.parse(fresh));
	});

	it('refuses a replay whose signature fails before looking at its id', async () => {
		const staticData: IDataObject = {};
		const body = eventBody(304);
		expectStarted(await call(delivery(body), {}, staticData), JSON.parse(body));
		expectRefused(await call(delivery(body, { secret: 'wrong' }), {}, staticData), 401, MISMATCH);
	});

	it('acknowledges events that are not selected and starts on those that are', async () => {
		const parameters = { events: ['fp.delete', 'fs.workflow'] };
		const staticData: IDataObject = {};
		expectIgnored(
			await call(delivery(eventBody(305, 'fp.upload')), parameters, staticData),
			'event not selected',
		);
		expectIgnored(
			await call(delivery(eventBody(306, 'fp.overwrite')), parameters, staticData),
			'event not selected',
		);
		for (const [id, action] of [
			[307, 'fp.delete'],
			[308, 'fs.workflow'],
		] as const) {
			const body = eventBody(id, action);
			expectStarted(await call(delivery(body), parameters, staticData), JSON.parse(body));
		}
	});

	it('tells an audio/video conversion result by its shape when that event is selected', async () => {
		const parameters = { events: ['video'] };
		const converted = JSON.stringify({
			uuid: 'a1b2',
			status: 'completed',
			data: { url: 'https://cdn.example/v' },
		});
		expectStarted(await call(delivery(converted), parameters), JSON.parse(converted));
		expectIgnored(await call(delivery(eventBody(309)), parameters), 'event not selected');
	});
});

describe('bodies that are not a Filestack event', () => {
	it.each([
		['not JSON', 'id=1&action=fp.upload'],
		['JSON null', 'null'],
		['a JSON array', '[{"id":401,"action":"fp.upload"}]'],
		['a JSON number', '401'],
		['empty', ''],
	])('answers 400 to a correctly signed body that is %s', async (_, body) => {
		const request = delivery(body);
		request.headers!['Content-Type'] = 'text/plain';
		expectRefused(await call(request), 400, /not a JSON object/);
	});
});

describe('compressed deliveries, as n8n hands them over', () => {
	// n8n's raw body reader undoes gzip and deflate, so the node sees (and verifies) the decompressed bytes.
	it.each([
		['gzip', gzipSync],
		['deflate', deflateSync],
	])('verifies a %s body over its decompressed bytes', async (encoding, compress) => {
		const body = eventBody(501);
		const { headers } = delivery(body);
		const done = await call({
			body: compress(Buffer.from(body)),
			headers: { ...headers, 'Content-Encoding': encoding },
		});
		expect(done.request.rawBody?.toString()).toBe(body);
		expectStarted(done, JSON.parse(body));
	});

	it('refuses a gzip body signed over its compressed bytes', async () => {
		const compressed = gzipSync(Buffer.from(eventBody(502)));
		const { headers } = delivery(compressed);
		expectRefused(
			await call({ body: compressed, headers: { ...headers, 'Content-Encoding': 'gzip' } }),
			401,
			MISMATCH,
		);
	});
});

describe('verification turned off', () => {
	const unverified = { verifySignature: false };

	it.each([
		['unsigned', (body: string) => ({ body })],
		['signed with another secret', (body: string) => delivery(body, { secret: 'other' })],
		['a week old', (body: string) => delivery(body, { age: 7 * DAY })],
	])('accepts a delivery that is %s', async (_, request) => {
		const body = eventBody(601);
		expectStarted(await call(request(body), unverified), JSON.parse(body));
	});

	it('needs no webhook secret, and still filters events and drops duplicates', async () => {
		const staticData: IDataObject = {};
		const options = { credentials: { filestackApi: { apiKey: 'TRIGGER_KEY' } }, staticData };
		const body = eventBody(602);
		expectStarted(await harness.webhook(trigger(unverified), { body }, options), JSON.parse(body));
		expectIgnored(
			await harness.webhook(trigger(unverified), { body }, options),
			'duplicate delivery',
		);
		const filtered = trigger({ ...unverified, events: ['fp.delete'] });
		expectIgnored(
			await harness.webhook(filtered, { body: eventBody(603) }, options),
			'event not selected',
		);
	});
});
