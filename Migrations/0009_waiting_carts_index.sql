-- The idle scheduler looks, several times a second, for carts not yet idle whose last
-- activity is older than a threshold. The full index on last_activity_at made each look walk
-- past every abandoned cart already marked idle (they keep their old activity time and come
-- first); this one holds only the carts still waiting, so a look reads only those.
-- (IF EXISTS: after a projection rebuild the index carries a name of its own.)
DROP INDEX IF EXISTS unconcluded_carts_by_activity;
CREATE INDEX unconcluded_carts_waiting_by_activity ON unconcluded_carts (last_activity_at) WHERE idled_at IS NULL;
