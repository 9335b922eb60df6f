-- Jobs: one row per job, one per item (image), one per finished item's result.

CREATE TABLE jobs (
    id          uuid PRIMARY KEY,
    owner_key   text,                    -- the API key's name, or null when keys are off
    status      text NOT NULL,           -- queued | running | completed | cancelled | failed
    engine      text NOT NULL,           -- on-demand | bedrock-batch
    model       text NOT NULL,           -- the model the items run on (resolved at creation)
    request     jsonb NOT NULL,          -- preset, prompt, parameters, model, output as asked
    total       integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz
);

-- GET /v1/jobs: a key's jobs, newest first.
CREATE INDEX jobs_by_owner ON jobs (owner_key, created_at DESC, id DESC);

CREATE TABLE job_items (
    job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx         integer NOT NULL,
    source      text NOT NULL,           -- s3://bucket/key, https://..., or sample:ID
    status      text NOT NULL DEFAULT 'pending',  -- pending | running | done | cancelled
    lease_until timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    claimed_by  text,
    PRIMARY KEY (job_id, idx)
);

-- The claim query: pending items, and running ones whose lease has passed (their replica died).
CREATE INDEX job_items_pending ON job_items (job_id, idx) WHERE status = 'pending';
CREATE INDEX job_items_leased ON job_items (lease_until) WHERE status = 'running';

CREATE TABLE job_results (
    job_id   uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx      integer NOT NULL,
    status   text NOT NULL,              -- succeeded | failed
    text     text,
    data     jsonb,
    usage    jsonb,                      -- inputTokens, outputTokens, totalTokens, estimatedCostUsd
    problem  jsonb,                      -- the problem /v1/analyses would have answered
    finished_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, idx)            -- one result per item, however often it was taken
);
