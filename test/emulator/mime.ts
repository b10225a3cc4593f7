/** The few file types the emulator needs to name: guessed from extensions, chosen by `output=format:X`. */
const byExtension: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	pjpg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	svg: 'image/svg+xml',
	pdf: 'application/pdf',
	txt: 'text/plain',
	html: 'text/html',
	csv: 'text/csv',
	json: 'application/json',
	zip: 'application/zip',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xls: 'application/vnd.ms-excel',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	ppt: 'application/vnd.ms-powerpoint',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	odt: 'application/vnd.oasis.opendocument.text',
	ods: 'application/vnd.oasis.opendocument.spreadsheet',
	odp: 'application/vnd.oasis.opendocument.presentation',
	mp4: 'video/mp4',
	webm: 'video/webm',
	ogv: 'video/ogg',
	mp3: 'audio/mpeg',
	m4a: 'audio/mp4',
	aac: 'audio/aac',
	oga: 'audio/ogg',
	m3u8: 'application/vnd.apple.mpegurl',
};

export const OCTET_STREAM = 'application/octet-stream';

export function mimetypeOf(filename: string): string {
	const extension = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1].toLowerCase();
	return (extension && byExtension[extension]) || OCTET_STREAM;
}

export function mimetypeOfExtension(extension: string): string {
	return byExtension[extension.toLowerCase()] ?? OCTET_STREAM;
}

/** `photo.jpg` + `png` → `photo.png`; a name without extension gets one. */
export function withExtension(filename: string, extension: string): string {
	return `${filename.replace(/\.[A-Za-z0-9]+$/, '')}.${extension}`;
}
