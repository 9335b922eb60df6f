-- Jobs on Bedrock batch inference: each job's model invocation jobs ("parts", one per staged input file), enough to
-- drive them from any replica after a restart. Items of these jobs are never claimed by the on-demand workers (the
-- claim query takes engine = 'on-demand' only).

CREATE TABLE job_batch_parts (
    job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    part        integer NOT NULL,        -- 1, 2, ...: the input file's number, also in the Bedrock job's name
    input_uri   text NOT NULL,           -- s3://staging/<jobId>/input/part-00001.jsonl
    output_uri  text NOT NULL,           -- s3://staging/<jobId>/output/
    indexes     integer[] NOT NULL,      -- the items whose records the input file holds
    arn         text,                    -- null until the Bedrock job is created
    status      text NOT NULL DEFAULT 'Unsubmitted',  -- the Bedrock job's status last seen
    collected   boolean NOT NULL DEFAULT false,       -- its output read and its items' results stored
    created_at  timestamptz NOT NULL DEFAULT now(),
    checked_at  timestamptz,
    ended_at    timestamptz,
    PRIMARY KEY (job_id, part)
);

-- The poller's work: parts not collected yet.
CREATE INDEX job_batch_parts_open ON job_batch_parts (job_id, part) WHERE NOT collected;

-- Submissions (staging the input files) that failed; past a few the job fails.
ALTER TABLE jobs ADD COLUMN submit_attempts integer NOT NULL DEFAULT 0;

-- The batch jobs still to be staged or followed.
CREATE INDEX jobs_batch_open ON jobs (created_at) WHERE engine = 'bedrock-batch' AND status IN ('queued', 'running');
