-- How many runs the planner expects a "name contains" pattern to match, from the statistics
-- of the folded names: tells a common name, whose page is found by walking the order's index,
-- from a rare one, whose matches come from the trigram index, without reading either.
CREATE FUNCTION simulation_name_matches_estimate(pattern TEXT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    plan JSON;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM simulations '
                   'WHERE name_folded LIKE %L ESCAPE ''\''', pattern) INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::BIGINT;
END $$;
