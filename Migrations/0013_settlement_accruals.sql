-- settlement_accruals (a projection, Sources/Engine/Projections): shoppers whose wallets hold
-- small charges below their merchant's settlement threshold, waiting to be settled in one
-- posting per shopper, merchant and month. The engine's clock reads it once a month.
CREATE TABLE settlement_accruals (
  shopper_id   uuid        NOT NULL,
  merchant_id  text        NOT NULL,
  currency     text        NOT NULL,
  oldest_at    timestamptz NOT NULL,
  newest_at    timestamptz NOT NULL,
  PRIMARY KEY (shopper_id, merchant_id, currency)
);
CREATE INDEX settlement_accruals_by_age ON settlement_accruals (oldest_at);
