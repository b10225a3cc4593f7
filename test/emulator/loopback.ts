/** The emulator only ever opens connections to this machine; everything else is imitated. */
export function isLoopbackHttp(url: URL): boolean {
	if (url.protocol !== 'http:') return false;
	const host = url.hostname;
	return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
