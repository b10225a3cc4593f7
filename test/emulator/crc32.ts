/** CRC-32 (IEEE 802.3), as ZIP and PNG need it. */
const table = new Uint32Array(256).map((_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

/** CRC of `data`, continuing from `previous` (the CRC of the bytes before it) so large files can go in pieces. */
export function crc32(data: Uint8Array, previous = 0): number {
	let c = ~previous >>> 0;
	for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
	return ~c >>> 0;
}
