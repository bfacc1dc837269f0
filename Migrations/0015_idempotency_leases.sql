-- Issue 14: a key claimed by a request that died stayed "in progress" forever, and the
-- table was never cleaned. A claim is now a lease from `claimed_at` (a retry may take the
-- key over once it has run out), and a key is kept for a retention from `completed_at`
-- (or, never completed, from `claimed_at`), after which the engine's sweeper deletes it.
ALTER TABLE idempotency_keys ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE idempotency_keys ADD COLUMN completed_at timestamptz;
UPDATE idempotency_keys SET claimed_at = created_at, completed_at = CASE WHEN status IS NOT NULL THEN created_at END;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys ((coalesce(completed_at, claimed_at)));
