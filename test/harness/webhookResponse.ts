/** What a webhook node wrote to the HTTP response itself (e.g. a 401 before returning `noWebhookResponse`). */
export interface CapturedResponse {
	statusCode: number;
	headers: Record<string, string>;
	body?: unknown;
	ended: boolean;
}

/** The parts of an express response that webhook nodes use, recording instead of sending. */
export function webhookResponse() {
	const captured: CapturedResponse = { statusCode: 200, headers: {}, ended: false };
	const response = {
		status(code: number) {
			captured.statusCode = code;
			return response;
		},
		setHeader(name: string, value: string) {
			captured.headers[name.toLowerCase()] = value;
			return response;
		},
		header(name: string, value: string) {
			return response.setHeader(name, value);
		},
		set(name: string, value: string) {
			return response.setHeader(name, value);
		},
		send(body?: unknown) {
			captured.body = body;
			captured.ended = true;
			return response;
		},
		json(body: unknown) {
			response.setHeader('content-type', 'application/json');
			return response.send(body);
		},
		end(body?: unknown) {
			if (body !== undefined) captured.body = body;
			captured.ended = true;
			return response;
		},
	};
	return { response, captured };
}
