-- The usage ledger: tokens and estimated cost per API key (its name, 'anonymous' when keys are off), UTC day and model.
-- Replicas add to a row with INSERT ... ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x.

CREATE TABLE api_key_usage (
    key_name                 text NOT NULL,
    day                      date NOT NULL,
    model                    text NOT NULL,
    input_tokens             bigint NOT NULL DEFAULT 0,
    output_tokens            bigint NOT NULL DEFAULT 0,
    cache_read_input_tokens  bigint,             -- null until Bedrock reports prompt cache reads for the row
    cache_write_input_tokens bigint,             -- null until Bedrock reports prompt cache writes for the row
    cost_usd                 numeric(20, 6) NOT NULL DEFAULT 0,
    PRIMARY KEY (key_name, day, model)
);

-- Every key's month-to-date cost (the budgets' refresh).
CREATE INDEX api_key_usage_by_day ON api_key_usage (day);
