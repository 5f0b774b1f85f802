-- Nothing to do here: PostgreSQL numbers rows from identity sequences, which never hand out
-- an id twice (the repositories only ever move them forward). The version keeps both
-- dialects' schema numbers in step.
SELECT 1;
