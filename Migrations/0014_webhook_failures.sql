-- The last refused cart webhooks of each merchant (Engine's WebhookFailureLog keeps at most
-- 50 per merchant): what the merchant sees to fix their shop's setup. Only a short excerpt
-- of a body is kept, never the body.
CREATE TABLE webhook_failures (
  failure_id  bigserial   PRIMARY KEY,
  merchant_id text        NOT NULL,
  platform    text        NOT NULL,
  kind        text        NOT NULL,
  status      int         NOT NULL,
  detail      text        NOT NULL,
  event_id    text,
  excerpt     text        NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX webhook_failures_by_merchant ON webhook_failures (merchant_id, failure_id DESC);
