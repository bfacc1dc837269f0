-- The event log: one append-only table, the only source of truth (DESIGN.md §3).
-- tx_id records the writing transaction so readers can stay below the transaction
-- horizon and never skip an event whose position committed late.
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tx_id           xid8        NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text        NOT NULL,
  stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
  event_id        uuid        NOT NULL UNIQUE,
  event_type      text        NOT NULL,
  schema_version  smallint    NOT NULL DEFAULT 1,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_version)
);

-- The order every reader follows: commit-safe (tx_id), then position within a transaction.
CREATE INDEX events_tx_order ON events (tx_id, global_position);

-- Each consumer's progress through the log. A projector updates its row in the same
-- transaction as its read model, which makes projection exactly-once.
CREATE TABLE consumer_checkpoints (
  consumer   text        PRIMARY KEY,
  tx_id      xid8        NOT NULL,
  position   bigint      NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The log is append-only: refuse UPDATE and DELETE at the database, not only in code.
CREATE FUNCTION events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only (% refused)', TG_OP USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
