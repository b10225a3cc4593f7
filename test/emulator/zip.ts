import type { Content } from './content';
import { crc32 } from './crc32';

export interface ZipEntry {
	name: string;
	content: Content;
	size: number;
}

const UTF8_NAMES = 0x0800;
const DOS_DATE_1980_01_01 = 0x0021;

/**
 * A ZIP archive of files, produced piece by piece: stored entries (no compression), CRC-32 computed by
 * reading each file once before writing it, so the local headers carry the real sizes and checksums.
 */
export async function* zipArchive(entries: readonly ZipEntry[]): AsyncGenerator<Buffer> {
	const central: Buffer[] = [];
	let offset = 0;
	for (const entry of entries) {
		if (entry.size > 0xfffffffe || offset > 0xfffffffe)
			throw new Error('The emulator writes no ZIP64 archives');
		let crc = 0;
		for await (const chunk of entry.content.bytes()) crc = crc32(chunk, crc);
		const name = Buffer.from(entry.name, 'utf8');

		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		writeCommon(local, 4, crc, entry.size, name.length);
		yield Buffer.concat([local, name]);
		yield* entry.content.bytes();

		const header = Buffer.alloc(46);
		header.writeUInt32LE(0x02014b50, 0);
		header.writeUInt16LE(20, 4); // made by: version 2.0
		writeCommon(header, 6, crc, entry.size, name.length);
		header.writeUInt32LE(offset, 42);
		central.push(header, name);
		offset += local.length + name.length + entry.size;
	}
	const directory = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(directory.length, 12);
	end.writeUInt32LE(offset, 16);
	yield Buffer.concat([directory, end]);
}

/** The fields local and central headers share, from "version needed" to "file name length". */
function writeCommon(
	header: Buffer,
	at: number,
	crc: number,
	size: number,
	nameLength: number,
): void {
	header.writeUInt16LE(20, at); // version needed: 2.0
	header.writeUInt16LE(UTF8_NAMES, at + 2);
	header.writeUInt16LE(0, at + 4); // method: stored
	header.writeUInt16LE(0, at + 6); // time 00:00
	header.writeUInt16LE(DOS_DATE_1980_01_01, at + 8);
	header.writeUInt32LE(crc, at + 10);
	header.writeUInt32LE(size, at + 14);
	header.writeUInt32LE(size, at + 18);
	header.writeUInt16LE(nameLength, at + 22);
}
