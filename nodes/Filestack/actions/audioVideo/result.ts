import type { IDataObject } from 'n8n-workflow';

import type { AudioVisual, ConversionStatus } from '../../sdk/audioVisual';
import { handleOfUrl } from '../../sdk/url';

/** A conversion as the node outputs it: its status, and once completed the new file. */
export function conversionJson(conversion: AudioVisual, status: ConversionStatus): IDataObject {
	const url = typeof status.data.url === 'string' ? status.data.url : undefined;
	return {
		uuid: conversion.uuid ?? status.uuid,
		status: status.status,
		statusUrl: conversion.statusUrl,
		...(status.message !== undefined && { message: status.message }),
		...(url && {
			handle: handleOfUrl(url),
			url,
			thumbnail: status.data.thumb as string | undefined,
		}),
		data: status.data as IDataObject,
		...(status.metadata && { metadata: status.metadata as IDataObject }),
	};
}
