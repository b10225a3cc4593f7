import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { ParamSpec, TASK_GROUPS, TASKS, TaskSpec } from '../../sdk/catalogue';
import type { Task } from '../../sdk/url';

/**
 * The n8n fields of the transformation catalogue, generated from it: a task is a row there, never a field here.
 */

/** The n8n field for one catalogue parameter; lists, colors and positions are typed as text like in a task chain. */
export function paramField(param: ParamSpec): INodeProperties {
	const base = { displayName: param.label, name: param.name, description: param.description };
	switch (param.type) {
		case 'integer':
		case 'number':
			return {
				...base,
				type: 'number',
				typeOptions: {
					...(param.min !== undefined && { minValue: param.min }),
					...(param.max !== undefined && { maxValue: param.max }),
					...(param.type === 'integer' && { numberPrecision: 0 }),
				},
				default: typeof param.default === 'number' ? param.default : (param.min ?? 0),
			};
		case 'boolean':
			return { ...base, type: 'boolean', default: param.default === true };
		case 'enum':
			return {
				...base,
				type: 'options',
				options: param.values.map((value) => ({ name: value, value })),
				default: typeof param.default === 'string' ? param.default : param.values[0],
			};
		default:
			return {
				...base,
				type: 'string',
				default: param.default === undefined ? '' : textOf(param.default),
				...(param.type === 'string' && param.example && { placeholder: `e.g. ${param.example}` }),
			};
	}
}

/** A task's parameters as an "Add Parameter" collection: only the parameters the user adds are sent. */
export function paramsCollection(task: TaskSpec, name: string): INodeProperties {
	return {
		displayName: `${task.label} Parameters`,
		name,
		type: 'collection',
		placeholder: 'Add Parameter',
		default: {},
		options: [...task.params].sort((a, b) => a.label.localeCompare(b.label)).map(paramField),
	};
}

/** Tasks offered in the typed chain: storing is an output choice, the rest are tasks of a chain. */
const CHAIN_TASKS = TASKS.filter((task) => task.name !== 'store');

const paramsFieldName = (task: TaskSpec) => `${task.name}Parameters`;

/** The typed task list: an ordered, repeatable group whose entries are a task and its parameters. */
export const taskListField: INodeProperties = {
	displayName: 'Tasks',
	name: 'tasks',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Task',
	default: {},
	description: 'The tasks to apply, in order',
	options: [
		{
			displayName: 'Task',
			name: 'task',
			values: [
				{
					displayName: 'Task',
					name: 'name',
					type: 'options',
					options: CHAIN_TASKS.map((task) => ({
						name: `${task.label} (${TASK_GROUPS.find((group) => group.name === task.group)?.label ?? task.group})`,
						value: task.name,
						description: task.description,
					})).sort((a, b) => a.name.localeCompare(b.name)),
					default: 'resize',
				},
				...CHAIN_TASKS.filter((task) => task.params.length > 0).map((task) => ({
					...paramsCollection(task, paramsFieldName(task)),
					displayOptions: { show: { name: [task.name] } },
				})),
			],
		},
	],
};

/** The tasks of the typed list, in order, as the SDK takes them. */
export function readTaskList(value: IDataObject): Task[] {
	const entries = (value.task as IDataObject[] | undefined) ?? [];
	return entries.map((entry) => {
		const name = String(entry.name);
		const task = TASKS.find((spec) => spec.name === name);
		const params = task ? ((entry[paramsFieldName(task)] as IDataObject | undefined) ?? {}) : {};
		return Object.keys(params).length > 0 ? { name, params } : { name };
	});
}

function textOf(value: ParamSpec['default']): string {
	return Array.isArray(value) ? `[${value.map((item) => textOf(item)).join(',')}]` : String(value);
}
