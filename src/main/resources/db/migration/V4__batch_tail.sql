-- Batch jobs' tails and staged files. An input file with fewer records than Bedrock's minimum per model invocation
-- job (jobs.batch.min-records-per-job) is not submitted: its items run on demand, claimed by the on-demand workers
-- although their job is on the bedrock-batch engine.
ALTER TABLE job_items ADD COLUMN on_demand boolean NOT NULL DEFAULT false;

-- The claim query's look-up of a batch job's on-demand items, without reading its items that wait for Bedrock.
CREATE INDEX job_items_on_demand ON job_items (job_id, idx) WHERE on_demand AND status IN ('pending', 'running');

-- The staged input files and Bedrock's output files under jobs.batch.staging/<jobId>/, deleted once the job has ended
-- and its parts are collected; failed deletes are counted, and past a few the files are left to the prefix's S3
-- lifecycle rule.
ALTER TABLE jobs ADD COLUMN staging_deleted boolean NOT NULL DEFAULT false;
ALTER TABLE jobs ADD COLUMN staging_delete_failures integer NOT NULL DEFAULT 0;

-- The batch jobs whose staged files are still to be deleted.
CREATE INDEX jobs_staging_left ON jobs (finished_at) WHERE engine = 'bedrock-batch' AND NOT staging_deleted;
