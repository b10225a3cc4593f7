import type { RouteName } from './routes';

/** What a scheduled failure does: answer with this HTTP status, or cut the connection. */
export type Failure = number | 'cutoff';

/** `completedUnnamed`: completed, but the file URL it answers names no handle (a URL without a path). */
export type VideoOutcome = 'completed' | 'completedUnnamed' | 'failed' | 'stall';

/** The switches, all settable at runtime. Rates are probabilities in [0, 1] drawn from a seeded generator. */
export interface FaultSettings {
	/** Seed of the generator behind every rate; setting it restarts the sequence, so runs are reproducible. */
	seed: number;
	/** Wait this long before handling any request. */
	delayMs: number;
	/**
	 * Let no answer leave sooner than this long after its request arrived; the request is handled meanwhile. A cut or
	 * destroyed connection is not held back.
	 */
	answerAfterMs: number;
	/** S3 PUT answers 500 InternalError. */
	putFailureRate: number;
	/** Whether a failing PUT reads the whole body first (true) or answers at once and closes the connection. */
	putFailureReadsBody: boolean;
	/** S3 PUT connection destroyed after the first bytes of the body. */
	putCutoffRate: number;
	/** Every other route answers `apiFailureStatus`. */
	apiFailureRate: number;
	apiFailureStatus: number;
	/** Every other route answers 429 with `Retry-After: retryAfterSeconds`. */
	apiThrottleRate: number;
	retryAfterSeconds: number;
	/** Each upload's complete answers 202 this many times before it completes. */
	complete202Count: number;
	/** Polls of a video job after the one that started it, until it ends. */
	videoPollsUntilDone: number;
	videoOutcome: VideoOutcome;
}

export const defaultFaults: Readonly<FaultSettings> = {
	seed: 1,
	delayMs: 0,
	answerAfterMs: 0,
	putFailureRate: 0,
	putFailureReadsBody: true,
	putCutoffRate: 0,
	apiFailureRate: 0,
	apiFailureStatus: 503,
	apiThrottleRate: 0,
	retryAfterSeconds: 1,
	complete202Count: 0,
	videoPollsUntilDone: 2,
	videoOutcome: 'completed',
};

/** A fault chosen for one request. */
export type Fault = { kind: 'status'; status: number; retryAfter?: number } | { kind: 'cutoff' };

export class Faults implements FaultSettings {
	delayMs = defaultFaults.delayMs;
	answerAfterMs = defaultFaults.answerAfterMs;
	putFailureRate = defaultFaults.putFailureRate;
	putFailureReadsBody = defaultFaults.putFailureReadsBody;
	putCutoffRate = defaultFaults.putCutoffRate;
	apiFailureRate = defaultFaults.apiFailureRate;
	apiFailureStatus = defaultFaults.apiFailureStatus;
	apiThrottleRate = defaultFaults.apiThrottleRate;
	retryAfterSeconds = defaultFaults.retryAfterSeconds;
	complete202Count = defaultFaults.complete202Count;
	videoPollsUntilDone = defaultFaults.videoPollsUntilDone;
	videoOutcome: VideoOutcome = defaultFaults.videoOutcome;

	private seedValue = defaultFaults.seed;
	private state = 0;
	private readonly scheduled = new Map<RouteName, Failure[]>();

	constructor(private readonly initial: Partial<FaultSettings> = {}) {
		this.reset();
	}

	get seed(): number {
		return this.seedValue;
	}

	set seed(value: number) {
		this.seedValue = value;
		this.state = value >>> 0;
	}

	/** Back to the settings given at start, the generator re-seeded, nothing scheduled. */
	reset(): void {
		Object.assign(this, defaultFaults, this.initial);
		this.seed = this.initial.seed ?? defaultFaults.seed;
		this.scheduled.clear();
	}

	/** Make the next `count` requests on `route` fail this way (a status, or a cut connection). */
	failNext(route: RouteName, count = 1, failure: Failure = 500): void {
		const queue = this.scheduled.get(route) ?? [];
		for (let i = 0; i < count; i++) queue.push(failure);
		this.scheduled.set(route, queue);
	}

	/** The fault for a request on `route`, if any: scheduled failures first, then the rates. */
	pick(route: RouteName): Fault | undefined {
		const scheduled = this.scheduled.get(route)?.shift();
		if (scheduled !== undefined)
			return scheduled === 'cutoff' ? { kind: 'cutoff' } : { kind: 'status', status: scheduled };
		if (route === 'put') {
			if (this.roll(this.putCutoffRate)) return { kind: 'cutoff' };
			if (this.roll(this.putFailureRate)) return { kind: 'status', status: 500 };
			return undefined;
		}
		if (this.roll(this.apiThrottleRate))
			return { kind: 'status', status: 429, retryAfter: this.retryAfterSeconds };
		if (this.roll(this.apiFailureRate)) return { kind: 'status', status: this.apiFailureStatus };
		return undefined;
	}

	/** mulberry32: tiny, seedable, good enough to spread faults. Rate 0 draws nothing, so it never shifts the sequence. */
	private roll(rate: number): boolean {
		if (rate <= 0) return false;
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		const value = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		return value < rate;
	}
}
