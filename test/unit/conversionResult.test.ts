import { conversionJson } from '../../nodes/Filestack/actions/audioVideo/result';
import type { AudioVisual, ConversionStatus } from '../../nodes/Filestack/sdk/audioVisual';

// The handle of a converted file is taken from its URL only when the URL names one: Convert refuses to download
// from a URL that does not, rather than asking for a file called "undefined".
const conversion = { uuid: 'u-1', statusUrl: 'https://cdn.example.test/status' } as AudioVisual;
const completed = (url: string) =>
	({ uuid: 'u-1', status: 'completed', data: { url } }) as unknown as ConversionStatus;

test.each([
	['https://cdn.filestackcontent.com/H4ndle', 'H4ndle'],
	['https://cdn.filestackcontent.com/H4ndle?cache=true#x', 'H4ndle'],
	['https://cdn.filestackcontent.com', undefined],
	['//cdn.filestackcontent.com/H4ndle', undefined],
	['cdn.filestackcontent.com/H4ndle', undefined],
])('the file URL %s gives the handle %s', (url, handle) => {
	const json = conversionJson(conversion, completed(url));
	expect(json.url).toBe(url);
	expect(json.handle).toBe(handle);
});
