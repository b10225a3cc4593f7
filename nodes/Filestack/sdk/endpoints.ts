import { FilestackValidationError } from './errors';

/** Where the Filestack APIs live: the cloud, a custom domain (CNAME), or explicit base URLs (a proxy, a sandbox). */
export interface Endpoints {
	/** Upload API: `/multipart/start`; later calls of an upload go to the start response's `location_url`. */
	upload: string;
	/** CDN and processing API: downloads, transformation URLs, `/process`. */
	cdn: string;
	/** File API: `/file/{handle}` (metadata, delete, overwrite). */
	api: string;
}

export type EndpointSettings =
	| { endpoints: 'cloud' }
	| { endpoints: 'customDomain'; customDomain: string }
	| { endpoints: 'customUrls'; uploadUrl: string; cdnUrl: string; apiUrl: string };

export function resolveEndpoints(settings: EndpointSettings): Endpoints {
	switch (settings.endpoints) {
		case 'customDomain': {
			const domain = settings.customDomain
				.trim()
				.replace(/^https?:\/\//, '')
				.replace(/\/+$/, '');
			return {
				upload: `https://upload.${domain}`,
				cdn: `https://cdn.${domain}`,
				api: `https://www.${domain}/api`,
			};
		}
		case 'customUrls':
			return {
				upload: baseUrl('Upload API URL', settings.uploadUrl),
				cdn: baseUrl('CDN URL', settings.cdnUrl),
				api: baseUrl('File API URL', settings.apiUrl),
			};
		default:
			return {
				upload: 'https://upload.filestackapi.com',
				cdn: 'https://cdn.filestackcontent.com',
				api: 'https://www.filestackapi.com/api',
			};
	}
}

/** The base URL for the rest of an upload, from the start response's `location_url` (a bare host or a URL). */
export function uploadLocation(locationUrl: string | undefined, fallback: string): string {
	if (!locationUrl) return fallback;
	return trimSlash(/^https?:\/\//i.test(locationUrl) ? locationUrl : `https://${locationUrl}`);
}

function baseUrl(name: string, url: string): string {
	if (!/^https?:\/\/[^/\s]+/i.test(url?.trim() ?? '')) {
		throw new FilestackValidationError(
			`The credential's ${name} must be an http(s) URL (got "${url ?? ''}")`,
		);
	}
	return trimSlash(url);
}

function trimSlash(url: string): string {
	return url.trim().replace(/\/+$/, '');
}
