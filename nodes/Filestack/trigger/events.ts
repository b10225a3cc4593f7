import type { IDataObject } from 'n8n-workflow';

/** The deliveries Filestack sends (Developer Portal → Webhooks), as the trigger's event filter offers them. */
export const EVENTS = [
	{ name: 'File Uploaded', value: 'fp.upload', description: 'A file was uploaded and stored' },
	{
		name: 'File Converted',
		value: 'fp.converse',
		description: 'An image or document conversion finished',
	},
	{
		name: 'File Overwritten',
		value: 'fp.overwrite',
		description: 'The content of a file was replaced',
	},
	{ name: 'File Deleted', value: 'fp.delete', description: 'A file was deleted' },
	{
		name: 'Workflow Finished',
		value: 'fs.workflow',
		description: 'A Filestack workflow ran on a file',
	},
	{
		name: 'Video Converted',
		value: 'video',
		description: 'An audio/video conversion finished (matched by its uuid and status)',
	},
] as const;

/** The event of a delivery; audio/video results come without a documented action name, so they are told by shape. */
export function eventOf(payload: IDataObject): string {
	const action = typeof payload.action === 'string' ? payload.action : '';
	if (
		action.startsWith('fp.video') ||
		(!action && typeof payload.uuid === 'string' && 'status' in payload)
	) {
		return 'video';
	}
	return action;
}
