-- Lookups the web API needs before projections exist (issue 4 brings the projector
-- runtime). Partial indexes: an append of any other event type only evaluates the
-- predicate, so the write path stays as cheap as before.
CREATE INDEX events_merchants ON events (global_position) WHERE event_type = 'MerchantRegistered';
CREATE INDEX events_carts_by_shopper ON events ((data->>'shopperId'), global_position) WHERE event_type = 'CartOpened';

-- Idempotency-Key: the first response to a keyed request, replayed to retries. A row is
-- claimed (response NULL) before the work runs, so a concurrent retry waits instead of
-- running the work twice; a failed request deletes its claim so it can be retried.
CREATE TABLE idempotency_keys (
  scope        text        NOT NULL,
  key          text        NOT NULL,
  request_hash bytea       NOT NULL,
  status       int,
  headers      jsonb,
  body         bytea,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

-- Each shopper's data key, wrapped (AES-GCM) under the server's sealing key. Phone numbers
-- in events are sealed with it; erasing a shopper deletes this row, which makes their
-- sealed data unreadable without rewriting the append-only log.
CREATE TABLE shopper_keys (
  shopper_id  uuid        PRIMARY KEY,
  wrapped_key bytea       NOT NULL,
  key_id      text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
