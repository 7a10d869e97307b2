/**
 * The names the worker's two processes give their database connections (pg_stat_activity's
 * application_name): operators and benchmarks tell serving from jobs by them.
 */
export const WORKER_APPLICATION_NAME = "oversight-worker";
export const JOBS_APPLICATION_NAME = "oversight-jobs";
