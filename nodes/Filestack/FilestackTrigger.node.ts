import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { FilestackCredentials } from './helpers/client';
import { testFilestackCredential } from './helpers/credentialTest';
import { DELIVERY_ID_CAPACITY, DeliveryLog } from './trigger/deliveryLog';
import { EVENTS, eventOf } from './trigger/events';
import { verifyWebhookSignature, webhookTimestampAge } from './sdk/webhook';

/** How far in the future a timestamp may lie, for clocks that disagree a little. */
const CLOCK_SKEW_SECONDS = 300;
const DEFAULT_MAX_AGE_SECONDS = 86400;
const MIN_AGE_LIMIT_SECONDS = 60;
/** Delivery ids are remembered as long as a delivery is accepted, so the window is bounded. */
const MAX_AGE_LIMIT_SECONDS = 7 * 86400;

export class FilestackTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Filestack Trigger',
		name: 'filestackTrigger',
		icon: { light: 'file:../../icons/filestack.svg', dark: 'file:../../icons/filestack.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ") || "all events"}}',
		description:
			'Starts the workflow when Filestack sends a webhook (upload, conversion, overwrite, delete, workflow)',
		defaults: { name: 'Filestack Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'filestackApi', required: true, testedBy: 'filestackApiTest' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					"Filestack has no API to register webhooks: copy this node's Production URL into the Filestack Developer Portal (Webhooks → Add webhook), activate the workflow, and put the webhook's secret into the credential's Webhook Secret",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENTS.map(({ name, value, description }) => ({ name, value, description })),
				default: [],
				description:
					'The events that start the workflow; none means all. Other deliveries are acknowledged and ignored.',
			},
			{
				displayName: 'Verify Signature',
				name: 'verifySignature',
				type: 'boolean',
				default: true,
				description:
					'Whether to accept only deliveries signed with the webhook secret (FS-Signature). Turn off only for testing.',
			},
			{
				displayName:
					'Signature verification is off: anyone who knows this URL can start the workflow with any data',
				name: 'unverifiedWarning',
				type: 'notice',
				default: '',
				displayOptions: { show: { verifySignature: [false] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Maximum Age (Seconds)',
						name: 'maxAgeSeconds',
						type: 'number',
						typeOptions: { minValue: MIN_AGE_LIMIT_SECONDS, maxValue: MAX_AGE_LIMIT_SECONDS },
						default: DEFAULT_MAX_AGE_SECONDS,
						description:
							"Deliveries whose FS-Timestamp is older are refused (at most 7 days). The default covers Filestack's retries (after 5 minutes, 30 minutes and 12 hours); repeated deliveries of one event start the workflow once.",
					},
				],
			},
		],
	};

	// n8n runs the credential test of whichever node listing the credential it finds first: both carry it.
	methods = { credentialTest: { filestackApiTest: testFilestackCredential } };

	// Filestack webhooks are configured in its Developer Portal only; there is nothing to register or remove here.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const rawBody = await bytesAsSent(this.getRequestObject());
		const headers = this.getHeaderData() as Record<string, string | string[] | undefined>;
		const nowSeconds = Math.floor(Date.now() / 1000);
		const { maxAgeSeconds: maxAgeSetting = DEFAULT_MAX_AGE_SECONDS } = this.getNodeParameter(
			'options',
			{},
		) as { maxAgeSeconds?: unknown };
		const maxAgeSeconds = checkedMaxAge(maxAgeSetting);
		if (maxAgeSeconds === undefined) {
			// An expression may give anything; a window it cannot define must not be taken as no window at all.
			const reason = `Maximum Age (Seconds) must be a number from ${MIN_AGE_LIMIT_SECONDS} to ${MAX_AGE_LIMIT_SECONDS} (got ${describe(maxAgeSetting)}), so every delivery is refused until it is corrected`;
			this.logger.error(`Filestack Trigger "${this.getNode().name}": ${reason}`);
			return refuse(this, reason, 500);
		}

		// When the delivery was sent: its FS-Timestamp once the signature vouches for it, else its arrival.
		let sentAtSeconds = nowSeconds;
		if (this.getNodeParameter('verifySignature', true) as boolean) {
			const { webhookSecret } = await this.getCredentials<FilestackCredentials>('filestackApi');
			if (!webhookSecret)
				return refuse(
					this,
					'The Filestack credential has no webhook secret to verify deliveries with',
				);
			if (!rawBody)
				return refuse(
					this,
					"The delivery's body is not available as sent, so its signature cannot be checked",
				);
			const verdict = verifyWebhookSignature(webhookSecret, rawBody, headers);
			if (!verdict.valid) return refuse(this, verdict.reason);
			const age = webhookTimestampAge(headers, nowSeconds);
			if (age === undefined || age > maxAgeSeconds || age < -CLOCK_SKEW_SECONDS) {
				return refuse(this, "The delivery's FS-Timestamp is outside the accepted window");
			}
			sentAtSeconds = nowSeconds - age;
		}

		const payload = rawBody ? parseEvent(rawBody) : undefined;
		if (!payload) return refuse(this, 'The delivery is not a JSON object', 400);

		const events = this.getNodeParameter('events', []) as string[];
		if (events.length > 0 && !events.includes(eventOf(payload))) {
			return { webhookResponse: { received: true, ignored: 'event not selected' } };
		}
		const deliveries = new DeliveryLog(this.getWorkflowStaticData('node'), {
			acceptedAgeSeconds: maxAgeSeconds + CLOCK_SKEW_SECONDS,
			processScope: processScopeOf(this),
		});
		const admission = deliveries.admit(payload.id, sentAtSeconds, nowSeconds);
		if (admission === 'duplicate') {
			return { webhookResponse: { received: true, ignored: 'duplicate delivery' } };
		}
		if (admission === 'forgotten') {
			this.logger.warn(
				`Filestack Trigger "${this.getNode().name}": delivery ${describe(payload.id)} is ignored as a possible replay: it was sent no later than delivery ids forgotten to make room (more than ${DELIVERY_ID_CAPACITY} within Maximum Age)`,
			);
			return {
				webhookResponse: { received: true, ignored: 'possible replay of a forgotten delivery' },
			};
		}
		return { workflowData: [[{ json: payload }]] };
	}
}

/** Maximum Age as set (a number, or the digits an expression gave), or undefined when it is outside 60 s – 7 days. */
function checkedMaxAge(setting: unknown): number | undefined {
	const seconds =
		typeof setting === 'string' && /^\s*\d+\s*$/.test(setting) ? Number(setting) : setting;
	return typeof seconds === 'number' &&
		seconds >= MIN_AGE_LIMIT_SECONDS &&
		seconds <= MAX_AGE_LIMIT_SECONDS
		? seconds
		: undefined;
}

/** A setting's value for a message, cut short. */
function describe(value: unknown): string {
	const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
	return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Where a production trigger's delivery ids live in this process's memory: one workflow's node of this name. */
function processScopeOf(context: IWebhookFunctions): string | undefined {
	const workflowId = context.getWorkflow().id;
	if (context.getMode() === 'manual' || !workflowId) return undefined;
	return `${workflowId}/${context.getNode().name}`;
}

/**
 * The body exactly as received, or undefined when n8n has consumed the stream already (multipart/form-data, which
 * Filestack never sends): reading it again fails, and a failing webhook() would start an error execution.
 */
async function bytesAsSent(
	request: ReturnType<IWebhookFunctions['getRequestObject']>,
): Promise<Buffer | undefined> {
	try {
		if (!request.rawBody) await request.readRawBody();
	} catch {
		return undefined;
	}
	return request.rawBody;
}

/** The delivery's JSON object; anything else (not JSON, null, an array, a number) is no Filestack event. */
function parseEvent(rawBody: Buffer): IDataObject | undefined {
	try {
		const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
		return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
			? (parsed as IDataObject)
			: undefined;
	} catch {
		return undefined;
	}
}

/** Answers a refused delivery ourselves, so that no execution starts. */
function refuse(context: IWebhookFunctions, reason: string, status = 401): IWebhookResponseData {
	context.getResponseObject().status(status).json({ error: reason }).end();
	return { noWebhookResponse: true };
}
