-- Nothing to do here: on PostgreSQL the counters are kept in shards so that concurrent
-- transactions do not queue on one row. SQLite runs one writer at a time. The version keeps both
-- dialects' schema numbers in step.
SELECT 1;
