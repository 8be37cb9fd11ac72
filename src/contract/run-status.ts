/** How a run ended (or that it is still going): run.json, the summary and the exit code follow it. */
export type RunStatus = 'running' | 'completed' | 'failed' | 'aborted';
