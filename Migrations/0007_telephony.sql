-- Read models of the telephony projections (Sources/Engine/Projections), written only by the
-- projector in the same transaction as its checkpoint; both can be rebuilt from zero.
--
-- live_calls: every call requested and not yet ended or failed — unclaimed ones (node IS
-- NULL) wait for a telephony node; claimed ones tell a restarted node what it left behind.
CREATE TABLE live_calls (
  call_id       uuid        PRIMARY KEY,
  shopper_id    uuid        NOT NULL,
  merchant_id   text        NOT NULL,
  mode          text        NOT NULL,
  node          text,
  channel       int,
  phase         text        NOT NULL,
  requested_at  timestamptz NOT NULL,
  call_version  bigint      NOT NULL
);
CREATE INDEX live_calls_unclaimed ON live_calls (requested_at) WHERE node IS NULL;
CREATE INDEX live_calls_by_node ON live_calls (node) WHERE node IS NOT NULL;

-- telephony_nodes: each node's announced channel count and state (running, draining,
-- stopped). Whether a node is alive is not here: it holds a Postgres advisory lock
-- (class 0x74656C65 "tele", key hashtext(node)) for as long as it runs.
CREATE TABLE telephony_nodes (
  node          text        PRIMARY KEY,
  max_channels  int         NOT NULL CHECK (max_channels >= 0),
  address       text        NOT NULL,
  state         text        NOT NULL,
  updated_at    timestamptz NOT NULL,
  node_version  bigint      NOT NULL
);
