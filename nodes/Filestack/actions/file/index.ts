import type { Resource } from '../operation';
import { deleteFile } from './delete.operation';
import { download } from './download.operation';
import { getMetadata } from './getMetadata.operation';
import { checkSafeForWork, getTags, ocr } from './intelligence.operations';
import { overwrite } from './overwrite.operation';
import { upload } from './upload.operation';
import { uploadFromUrl } from './uploadFromUrl.operation';

export const file: Resource = {
	option: { name: 'File', value: 'file', description: 'Upload, download and manage stored files' },
	operations: {
		upload,
		uploadFromUrl,
		download,
		getMetadata,
		delete: deleteFile,
		overwrite,
		getTags,
		checkSafeForWork,
		ocr,
	},
	defaultOperation: 'upload',
};
