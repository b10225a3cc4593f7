import { sign, inAnHour, segment } from './policies';
import { type Json, postJson, multipartUpload, getJson, download } from './requests';
import { KEY, SECRET, emulator, describeEmulator } from './support';

// Policies and signatures on every API the emulator serves (test/emulator/security.ts).

describeEmulator('security', () => {
	beforeEach(() => emulator.apps.set({ apiKey: KEY, appSecret: SECRET }));

	it('requires a valid, unexpired policy allowing store on the upload API', async () => {
		const start = { apikey: KEY, filename: 'f', size: 1 };
		const none = await postJson(`${emulator.url}/multipart/start`, start);
		expect(none.status).toBe(403);
		expect(none.json.error).toContain('Invalid App policy');

		const forged = { ...sign({ expiry: inAnHour() }), signature: 'ab'.repeat(32) };
		expect(
			(await postJson(`${emulator.url}/multipart/start`, { ...start, ...forged })).status,
		).toBe(403);
		const expired = await postJson(`${emulator.url}/multipart/start`, {
			...start,
			...sign({ expiry: 1000 }),
		});
		expect(expired.json.error).toContain('expired');
		const readOnly = await postJson(`${emulator.url}/multipart/start`, {
			...start,
			...sign({ expiry: inAnHour(), call: ['read'] }),
		});
		expect(readOnly.status).toBe(403);
		expect(readOnly.json.error).toContain('"store"');

		const result = await multipartUpload(emulator, Buffer.from('secret data'), {
			security: sign({ expiry: inAnHour(), call: ['store'] }),
		});
		expect(result.status).toBe(200);
	});

	it('accepts the Python SDK vector for its policy and signature', async () => {
		// Security({'expiry': 253381964415, 'call': ['read']}, 'SECURITY-SECRET') from the Python SDK README.
		emulator.apps.set({ apiKey: KEY });
		const { json } = await multipartUpload(emulator, Buffer.from('x'));
		emulator.apps.update(KEY, { appSecret: 'SECURITY-SECRET' });
		const policy = 'eyJjYWxsIjogWyJyZWFkIl0sICJleHBpcnkiOiAyNTMzODE5NjQ0MTV9';
		const signature = 'f61fa1effb0638ab5b6e208d5d2fd9343f8557d8a0bf529c6d8542935f77bb3c';
		expect(
			(await download(`${emulator.url}/security=p:${policy},s:${signature}/${json.handle}`)).status,
		).toBe(200);
		expect(
			(
				await download(
					`${emulator.url}/security=policy:${policy},signature:${signature}/${json.handle}`,
				)
			).status,
		).toBe(200);
	});

	it('checks the call and handle of a policy on CDN, metadata, delete and overwrite', async () => {
		const { json } = await multipartUpload(emulator, Buffer.from('guarded'), {
			security: sign({ expiry: inAnHour() }),
		});
		const handle = json.handle as string;

		const unsigned = await fetch(`${emulator.url}/${handle}`);
		expect(unsigned.status).toBe(403);
		expect(await unsigned.text()).toContain(`application [${KEY}] policy error`);
		const read = sign({ expiry: inAnHour(), call: ['read'], handle });
		expect((await download(`${emulator.url}/${segment(read)}/${handle}`)).body.toString()).toBe(
			'guarded',
		);
		const otherHandle = sign({
			expiry: inAnHour(),
			call: ['read'],
			handle: 'AAAAAAAAAAAAAAAAAAAA',
		});
		expect((await fetch(`${emulator.url}/${segment(otherHandle)}/${handle}`)).status).toBe(403);

		const query = (security: { policy: string; signature: string }) =>
			`policy=${security.policy}&signature=${security.signature}`;
		expect(
			(await fetch(`${emulator.url}/${handle}/metadata?size=true&${query(read)}`)).status,
		).toBe(403);
		const stat = sign({ expiry: inAnHour(), call: ['stat'] });
		expect(
			(await fetch(`${emulator.url}/${handle}/metadata?size=true&${query(stat)}`)).status,
		).toBe(200);
		expect(
			(await fetch(`${emulator.url}/${handle}/metadata?exif=true&${query(stat)}`)).status,
		).toBe(403);

		const write = sign({ expiry: inAnHour(), call: ['write'] });
		const overwrite = await fetch(`${emulator.url}/api/file/${handle}?${query(read)}`, {
			method: 'POST',
			body: 'new',
		});
		expect(overwrite.status).toBe(403);
		expect(
			(
				await fetch(`${emulator.url}/api/file/${handle}?${query(write)}`, {
					method: 'POST',
					body: 'new',
				})
			).status,
		).toBe(200);

		expect(
			(
				await fetch(`${emulator.url}/api/file/${handle}?key=${KEY}&${query(write)}`, {
					method: 'DELETE',
				})
			).status,
		).toBe(403);
		const remove = sign({ expiry: inAnHour(), call: ['remove'] });
		expect(
			(
				await fetch(`${emulator.url}/api/file/${handle}?key=${KEY}&${query(remove)}`, {
					method: 'DELETE',
				})
			).status,
		).toBe(200);
	});

	it('keeps one video job per URL whatever policy signs each poll', async () => {
		emulator.faults.videoPollsUntilDone = 1;
		const { json } = await multipartUpload(emulator, Buffer.from('film'), {
			security: sign({ expiry: inAnHour() }),
		});
		const poll = async (expiry: number) =>
			await getJson(
				`${emulator.url}/video_convert=preset:h264/${segment(sign({ expiry, call: ['convert'] }))}/${json.handle}`,
			);
		const started = await poll(inAnHour());
		const done = await poll(inAnHour() + 60);
		expect(done).toMatchObject({ status: 'completed', uuid: started.uuid });
		const readOnly = sign({ expiry: inAnHour(), call: ['read'] });
		expect(
			(await fetch(`${emulator.url}/video_convert=preset:h264/${segment(readOnly)}/${json.handle}`))
				.status,
		).toBe(403);
	});

	it('reads the policy of /process from its security task', async () => {
		const body = {
			apikey: KEY,
			sources: ['https://example.com/a.txt'],
			tasks: [{ name: 'store', params: { location: 's3' } }],
		};
		expect((await postJson(`${emulator.url}/process`, body)).status).toBe(403);
		const { policy, signature } = sign({ expiry: inAnHour(), call: ['store'] });
		const signed = {
			...body,
			tasks: [...body.tasks, { name: 'security', params: { policy, signature } }],
		};
		expect((await postJson(`${emulator.url}/process`, signed)).status).toBe(200);
	});

	it("checks a policy's handle against every file a chain reads, and its url against every external URL", async () => {
		const stored = async (text: string) =>
			(
				await multipartUpload(emulator, Buffer.from(text), {
					security: sign({ expiry: inAnHour() }),
				})
			).json.handle as string;
		const [image, mark] = [await stored('image'), await stored('mark')];
		const fetchWith = async (policy: Json, path: string) => {
			const res = await fetch(`${emulator.url}/${path.replace('SECURITY', segment(sign(policy)))}`);
			return { status: res.status, text: await res.text() };
		};
		const forImage = { expiry: inAnHour(), call: ['read'], handle: image };

		for (const chain of [
			`watermark=file:${mark}`,
			`collage=files:[${mark}],width:10,height:10`,
			`fallback=handle:${mark}`,
		]) {
			expect(await fetchWith(forImage, `${chain}/SECURITY/${image}`)).toEqual({
				status: 403,
				text: `application [${KEY}] policy error: policy is for another handle than ${mark}`,
			});
			expect(
				(await fetchWith({ ...forImage, handle: undefined }, `${chain}/SECURITY/${image}`)).status,
			).toBe(200);
		}

		const url = 'https://example.com/a.txt';
		const onlyThatUrl = {
			expiry: inAnHour(),
			call: ['read'],
			url: '^(?:https://example\\.com/a\\.txt)$',
		};
		expect((await fetchWith(onlyThatUrl, `${KEY}/SECURITY/${url}`)).status).toBe(200);
		// The whole URL must match: neither a longer one nor another one passes.
		for (const other of [`${url}x`, 'https://example.com/b.txt']) {
			expect(await fetchWith(onlyThatUrl, `${KEY}/SECURITY/${other}`)).toEqual({
				status: 403,
				text: `application [${KEY}] policy error: policy url does not allow ${other}`,
			});
		}
		expect(
			(
				await fetchWith(
					{ ...forImage, ...onlyThatUrl },
					`watermark=file:"${url}"/SECURITY/${image}`,
				)
			).status,
		).toBe(200);
		expect(
			(await fetchWith(onlyThatUrl, `watermark=file:"https://example.com/b.txt"/SECURITY/${image}`))
				.text,
		).toContain('policy url does not allow https://example.com/b.txt');

		const process = (sources: string[], policy: Json) =>
			postJson(`${emulator.url}/process`, {
				apikey: KEY,
				sources,
				tasks: [
					{ name: 'store', params: { location: 's3' } },
					{ name: 'security', params: sign(policy) },
				],
			});
		const storeThatUrl = { ...onlyThatUrl, call: ['store'] };
		expect((await process([url], storeThatUrl)).status).toBe(200);
		expect((await process(['https://example.com/b.txt'], storeThatUrl)).status).toBe(403);
	});
});
