-- A job over an S3 prefix is queued at once and listed in the background, one ListObjectsV2 page at a time, by the
-- replica that holds its listing lease; any replica resumes a listing whose lease has passed. Its engine is chosen once
-- the last page is stored: null until then (and for ever, when the job failed first). Items of a job without an engine
-- are never claimed (the claim query and the batch poller take chosen engines only).

ALTER TABLE jobs ALTER COLUMN engine DROP NOT NULL;
ALTER TABLE jobs ADD COLUMN engine_requested text;               -- auto | on-demand | bedrock-batch, as asked
ALTER TABLE jobs ADD COLUMN listing_prefix text;                 -- s3://bucket/prefix/ while keys are left to list
ALTER TABLE jobs ADD COLUMN listing_after text;                  -- the last key stored (StartAfter of the next page)
ALTER TABLE jobs ADD COLUMN listing_lease timestamptz;           -- the lister holding it, until then
ALTER TABLE jobs ADD COLUMN listing_attempts integer NOT NULL DEFAULT 0;  -- failed tries in a row; past a few, failed
ALTER TABLE jobs ADD COLUMN problem jsonb;                       -- why a failed job could not run: type, title, status, detail

-- The sweep: listings not held by a lister.
CREATE INDEX jobs_listing ON jobs (created_at) WHERE listing_prefix IS NOT NULL AND status = 'queued';
