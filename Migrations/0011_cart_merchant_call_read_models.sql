-- Carts, merchants and merchant calls become read models of their own, and the idle
-- scheduler reads a due time through an index (issue 10, item 4).
--
-- Until now a shopper's carts, the merchant list and the agent console's calls were found
-- by querying JSON fields of `events` through partial indexes that only Cartline's domain
-- needs (0002, 0005). The log's table is the log's: every append stops paying for those
-- indexes. The tables below are projections (Sources/Engine/Projections): written only by
-- the projector, in the transaction that moves its checkpoint, and rebuildable from zero
-- with `cartline projections rebuild <name>`. Their readers merge in the events the
-- projector has not applied yet, so a shopper sees the cart they just opened.

-- shopper_carts: every cart opened, by shopper; `opened_position` (the CartOpened event's
-- global position) orders "newest first".
CREATE TABLE shopper_carts (
  cart_id          uuid   PRIMARY KEY,
  shopper_id       uuid   NOT NULL,
  merchant_id      text   NOT NULL,
  opened_position  bigint NOT NULL
);
CREATE INDEX shopper_carts_by_shopper ON shopper_carts (shopper_id, opened_position DESC);

-- merchant_registry: every merchant registered (retired ones too), in registration order.
CREATE TABLE merchant_registry (
  merchant_id          text   PRIMARY KEY,
  registered_position  bigint NOT NULL UNIQUE
);

-- merchant_calls: every call requested, by merchant, newest first. `request` is the
-- CallRequested payload as the log holds it, so the console shows the same values as before.
CREATE TABLE merchant_calls (
  call_id             uuid        PRIMARY KEY,
  merchant_id         text        NOT NULL,
  requested_at        timestamptz NOT NULL,
  requested_position  bigint      NOT NULL,
  request             jsonb       NOT NULL,
  finished            boolean     NOT NULL DEFAULT false
);
CREATE INDEX merchant_calls_by_merchant ON merchant_calls (merchant_id, requested_position DESC);

-- Filled here from the log (through the indexes still in place) rather than left to the
-- projector's first run: until a projection catches up, its readers fold every event it
-- has not applied, and on a long log that backlog is more than a read may fold. Each table
-- is insert-only or monotone (finished only turns true), so an event applied again later
-- changes nothing. Each projection's checkpoint is set to the last event below the
-- transaction horizon (every transaction older than this one's snapshot has ended, so each
-- event at or before that position is visible here and copied): the projector goes on from
-- there exactly as if it had applied those events itself.
INSERT INTO shopper_carts (cart_id, shopper_id, merchant_id, opened_position)
SELECT (data->>'cartId')::uuid, (data->>'shopperId')::uuid, data->>'merchantId', global_position
FROM events WHERE event_type = 'CartOpened' AND stream_id LIKE 'cart-%'
ON CONFLICT DO NOTHING;

INSERT INTO merchant_registry (merchant_id, registered_position)
SELECT substr(stream_id, length('merchant-') + 1), global_position
FROM events WHERE event_type = 'MerchantRegistered' AND stream_id LIKE 'merchant-%'
ON CONFLICT DO NOTHING;

INSERT INTO merchant_calls (call_id, merchant_id, requested_at, requested_position, request, finished)
SELECT (e.data->>'callId')::uuid, e.data->>'merchantId', (e.data->>'at')::timestamptz, e.global_position, e.data,
       EXISTS (SELECT 1 FROM events f WHERE f.stream_id = e.stream_id AND f.event_type IN ('CallEnded', 'CallFailed'))
FROM events e WHERE e.event_type = 'CallRequested' AND e.stream_id LIKE 'call-%'
ON CONFLICT DO NOTHING;

INSERT INTO consumer_checkpoints (consumer, tx_id, position)
SELECT c.consumer, h.tx_id, h.global_position
FROM (SELECT tx_id, global_position FROM events WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY tx_id DESC, global_position DESC LIMIT 1) AS h,
     (VALUES ('projection:shopper_carts'), ('projection:merchant_registry'), ('projection:merchant_calls')) AS c(consumer)
ON CONFLICT (consumer) DO NOTHING;

-- The idle due time. unconcluded_carts (0003) keeps `idle_due_at` = last activity + the
-- merchant's idle threshold, so the scheduler's look is a range scan of due carts instead of
-- a walk over every abandoned cart still waiting. The projection keeps each merchant's
-- threshold in merchant_idle_thresholds, a second table it writes (rebuilt and swapped with
-- unconcluded_carts); `merchant_version` is the merchant stream version the threshold came
-- from, so an older event applied after the backfill below cannot bring back an old value.
CREATE TABLE merchant_idle_thresholds (
  merchant_id             text   PRIMARY KEY,
  idle_threshold_seconds  int    NOT NULL,
  merchant_version        bigint NOT NULL
);
ALTER TABLE unconcluded_carts ADD COLUMN idle_due_at timestamptz;

-- Backfilled from each live merchant's latest registration or update, which may be ahead of the
-- projection's checkpoint: the due times then already use the newest thresholds, which is
-- where the projection would arrive anyway once it has caught up.
INSERT INTO merchant_idle_thresholds (merchant_id, idle_threshold_seconds, merchant_version)
SELECT r.merchant_id, (latest.data->'profile'->'engagement'->>'idleThresholdSeconds')::int, latest.stream_version
FROM merchant_registry r
CROSS JOIN LATERAL (
  SELECT data, stream_version FROM events
  WHERE stream_id = 'merchant-' || r.merchant_id AND event_type IN ('MerchantRegistered', 'MerchantUpdated')
  ORDER BY stream_version DESC LIMIT 1) AS latest
WHERE latest.data->'profile'->'engagement' ? 'idleThresholdSeconds'
  -- A retired merchant has none: its carts never fall due (the projection does the same).
  AND NOT EXISTS (SELECT 1 FROM events WHERE stream_id = 'merchant-' || r.merchant_id AND event_type = 'MerchantRetired');

UPDATE unconcluded_carts AS c SET idle_due_at = c.last_activity_at + t.idle_threshold_seconds * interval '1 second'
FROM merchant_idle_thresholds AS t WHERE t.merchant_id = c.merchant_id;

-- The scheduler's index: carts still waiting, by due time. It replaces 0009's index on
-- last_activity_at, whatever name a projection rebuild has given that one since.
CREATE INDEX unconcluded_carts_waiting_by_due ON unconcluded_carts (idle_due_at) WHERE idled_at IS NULL;
DO $$
DECLARE
  old record;
BEGIN
  FOR old IN SELECT indexname FROM pg_indexes
             WHERE schemaname = current_schema() AND tablename = 'unconcluded_carts'
               AND indexdef LIKE '%(last_activity_at)%'
  LOOP
    EXECUTE format('DROP INDEX %I', old.indexname);
  END LOOP;
END $$;

-- The domain's indexes on the log (0002, 0005) go: the tables above answer what they served.
DROP INDEX IF EXISTS events_merchants;
DROP INDEX IF EXISTS events_carts_by_shopper;
DROP INDEX IF EXISTS events_calls_by_merchant;
DROP INDEX IF EXISTS unconcluded_carts_waiting_by_activity;
