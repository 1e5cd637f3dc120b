export {
  type ClaimedJob,
  cancelPending,
  defaultBackoff,
  type EnqueueInput,
  enqueue,
  type JobContext,
  type JobHandler,
  type JobLogger,
  JobRunner,
  type JobRunnerOptions,
  LeaseLostError,
  PermanentJobError,
  rearm,
} from './runner.ts';
export { type BackgroundWorker, type BackgroundWorkerOptions, createBackgroundWorker } from './worker.ts';
