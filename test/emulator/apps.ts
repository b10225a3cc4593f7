/** A Filestack application as the emulator knows it. */
export interface AppConfig {
	apiKey: string;
	/** When set, every request (except the S3 PUT) must carry a valid policy and signature. */
	appSecret?: string;
	/** Intelligent Ingestion enabled: start answers `upload_type: "intelligent_ingestion"`, FII chunks are accepted. */
	intelligentIngestion?: boolean;
	/** Without Intelligent Ingestion, a start asking for it (`fii: true`) is refused with 400 instead of answered. */
	refusesIntelligentIngestion?: boolean;
	/** Where `fp.upload`, `fp.overwrite` and `fp.delete` events are posted (loopback URLs only). */
	webhook?: { url: string; secret: string };
}

export const DEFAULT_APP: Readonly<AppConfig> = { apiKey: 'EMULATOR_API_KEY' };

/** The registered applications, by API key. */
export class Apps {
	private readonly byKey = new Map<string, AppConfig>();

	constructor(private readonly initial: readonly AppConfig[]) {
		this.reset();
	}

	/** Adds the app, or replaces the one with the same API key. */
	set(app: AppConfig): void {
		this.byKey.set(app.apiKey, { ...app });
	}

	/** Changes some settings of a registered app (e.g. `{ appSecret: undefined }` turns security off). */
	update(apiKey: string, changes: Partial<Omit<AppConfig, 'apiKey'>>): void {
		const app = this.byKey.get(apiKey);
		if (!app) throw new Error(`No emulated app with API key ${apiKey}`);
		this.byKey.set(apiKey, { ...app, ...changes });
	}

	get(apiKey: string | undefined): AppConfig | undefined {
		return apiKey === undefined ? undefined : this.byKey.get(apiKey);
	}

	delete(apiKey: string): boolean {
		return this.byKey.delete(apiKey);
	}

	/** Back to the apps given at start. */
	reset(): void {
		this.byKey.clear();
		for (const app of this.initial) this.set(app);
	}
}
