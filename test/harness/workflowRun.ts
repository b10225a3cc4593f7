import type { ExecutionError, INodeExecutionData, IRun, ITaskData } from 'n8n-workflow';

/** The outcome of one workflow execution, read per node. */
export class WorkflowRun {
	constructor(readonly run: IRun) {}

	get status(): IRun['status'] {
		return this.run.status;
	}

	/** The error that stopped the workflow, if one did. */
	get error(): ExecutionError | undefined {
		return this.run.data.resultData.error;
	}

	/** Names of the nodes that ran, in the order they finished. */
	get executedNodes(): string[] {
		return Object.keys(this.run.data.resultData.runData);
	}

	/** A node's items on one output of its last run. */
	output(nodeName: string, outputIndex = 0): INodeExecutionData[] {
		const task = this.lastTask(nodeName);
		if (task.error) throw new Error(`Node "${nodeName}" failed: ${task.error.message}`);
		return task.data?.main[outputIndex] ?? [];
	}

	/** The error a node raised in its last run (a failed node has no output). */
	nodeError(nodeName: string): ExecutionError | undefined {
		return this.lastTask(nodeName).error;
	}

	private lastTask(nodeName: string): ITaskData {
		const task = this.run.data.resultData.runData[nodeName]?.at(-1);
		if (!task) {
			const reason = this.error ? ` (the workflow stopped: ${this.error.message})` : '';
			throw new Error(
				`Node "${nodeName}" did not run${reason}; ran: ${this.executedNodes.join(', ') || 'none'}`,
			);
		}
		return task;
	}
}
