-- Charging's read models (issue 11). Both are projections (Sources/Engine/Projections),
-- written only by the projector with its checkpoint and rebuildable from zero; the
-- postings themselves live in the log (`wallet-<shopper>` and `charges-<call>` streams).

-- call_charges: each billed call — who pays, its billable time, what it was charged — for
-- merchants' usage and their monthly ASP invoices, by merchant and time.
CREATE TABLE call_charges (
  call_id         uuid        PRIMARY KEY,
  merchant_id     text,
  payer           text,
  currency        text,
  billable_ms     bigint,
  ended_at        timestamptz,
  charged_micros  bigint      NOT NULL DEFAULT 0,
  charged_at      timestamptz
);
CREATE INDEX call_charges_by_merchant ON call_charges (merchant_id, charged_at);

-- pending_holds: holds on shoppers' wallets still waiting for their call's end, by expiry,
-- so the clock lapses overdue ones (a call whose end was never reported) with a range scan.
CREATE TABLE pending_holds (
  hold_id     text        PRIMARY KEY,
  shopper_id  uuid        NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX pending_holds_by_expiry ON pending_holds (expires_at);
