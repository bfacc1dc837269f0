-- Read model of the unconcluded_carts projection (Sources/Engine/Projections): open carts
-- holding at least one item, with their value and last activity. Written only by the
-- projector, in the same transaction as its checkpoint. `lines` keeps each sku's unit price
-- and quantity so that a removal or quantity change can be applied without the stream.
CREATE TABLE unconcluded_carts (
  cart_id          uuid        PRIMARY KEY,
  shopper_id       uuid        NOT NULL,
  merchant_id      text        NOT NULL,
  currency         text        NOT NULL,
  value_micros     bigint      NOT NULL,
  item_count       int         NOT NULL CHECK (item_count > 0),
  status           text        NOT NULL,
  lines            jsonb       NOT NULL,
  cart_version     bigint      NOT NULL,
  last_activity_at timestamptz NOT NULL,
  idled_at         timestamptz
);
-- The idle scheduler looks for carts whose last activity is older than a threshold.
CREATE INDEX unconcluded_carts_by_activity ON unconcluded_carts (last_activity_at);
