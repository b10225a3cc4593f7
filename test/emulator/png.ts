import { createHash } from 'crypto';
import { crc32 } from './crc32';

/**
 * A small but valid PNG (1-bit grayscale, stripes derived from `seed`), written without zlib: the image data is
 * a zlib stream of stored (uncompressed) deflate blocks. Stands in for screenshots, thumbnails and fetched images.
 */
export function syntheticPng(width: number, height: number, seed: string): Buffer {
	const pattern = createHash('sha256').update(seed).digest();
	const rowBytes = Math.ceil(width / 8);
	const raw = Buffer.alloc((rowBytes + 1) * height);
	for (let y = 0; y < height; y++) {
		const row = y * (rowBytes + 1);
		raw[row] = 0; // filter type: none
		raw.fill(pattern[y % pattern.length], row + 1, row + 1 + rowBytes);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, no filter, no interlace
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', storedZlib(raw)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

/** Width and height of a PNG or GIF from its first bytes, for metadata. */
export function imageSize(head: Buffer): { width: number; height: number } | undefined {
	if (head.length >= 24 && head.readUInt32BE(0) === 0x89504e47) {
		return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
	}
	if (head.length >= 10 && head.subarray(0, 3).toString('latin1') === 'GIF') {
		return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
	}
	return undefined;
}

function chunk(type: string, data: Buffer): Buffer {
	const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const framed = Buffer.alloc(typeAndData.length + 8);
	framed.writeUInt32BE(data.length, 0);
	typeAndData.copy(framed, 4);
	framed.writeUInt32BE(crc32(typeAndData), framed.length - 4);
	return framed;
}

function storedZlib(data: Buffer): Buffer {
	const blocks: Buffer[] = [Buffer.from([0x78, 0x01])];
	for (let offset = 0; offset < data.length || offset === 0; offset += 0xffff) {
		const block = data.subarray(offset, offset + 0xffff);
		const last = offset + 0xffff >= data.length;
		const head = Buffer.alloc(5);
		head[0] = last ? 1 : 0;
		head.writeUInt16LE(block.length, 1);
		head.writeUInt16LE(~block.length & 0xffff, 3);
		blocks.push(head, block);
	}
	const adler = Buffer.alloc(4);
	adler.writeUInt32BE(adler32(data), 0);
	blocks.push(adler);
	return Buffer.concat(blocks);
}

function adler32(data: Buffer): number {
	let a = 1;
	let b = 0;
	for (const byte of data) {
		a = (a + byte) % 65521;
		b = (b + a) % 65521;
	}
	return ((b << 16) | a) >>> 0;
}
