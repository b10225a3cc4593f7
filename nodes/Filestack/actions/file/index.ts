import type { Resource } from '../operation';
import { deleteFile } from './delete.operation';
import { download } from './download.operation';
import { getMetadata } from './getMetadata.operation';
import { checkSafeForWork, getTags, ocr } from './intelligence.operations';
import { overwrite } from './overwrite.operation';
import { upload } from './upload.operation';
import { uploadFromUrl } from './uploadFromUrl.operation';

const operations = {
	upload,
	uploadFromUrl,
	download,
	getMetadata,
	delete: deleteFile,
	overwrite,
	getTags,
	checkSafeForWork,
	ocr,
};

export const file = {
	option: { name: 'File', value: 'file', description: 'Upload, download and manage stored files' },
	operations,
	defaultOperation: 'upload',
} satisfies Resource<keyof typeof operations>;
