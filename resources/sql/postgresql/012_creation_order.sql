-- Nothing to do here: on SQLite this records whether runs were created in id order, so that a
-- name search reads FTS5's matches in id order. pg_trgm's index yields its matches unordered,
-- so PostgreSQL has no use for the fact. The version keeps both dialects' schema numbers in
-- step.
SELECT 1;
