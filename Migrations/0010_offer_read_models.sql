-- Offers and the engagement schedule become read models of their own (issue 10, item 4).
--
-- Until now the offer look-ups (by id, by shopper, lapsing), the scheduler's callbacks and
-- reconsiderations, and the /metrics conversion queried JSON fields of `events` through
-- partial indexes that only Cartline's domain needs. The log's table is the log's: it keeps
-- the indexes the log itself reads by (stream, position, transaction), and every
-- append stops paying for the domain's. Both tables below are projections
-- (Sources/Engine/Projections): written only by the projector, in the transaction that moves
-- its checkpoint, and rebuildable from zero with `cartline projections rebuild <name>`.
-- They start empty: the projector fills them from the start of the log on its first run,
-- and until then the offer look-ups read the events it has not applied yet.

-- offers: every call offer, with its expiry, when it was made and when it was accepted.
-- `offer` is the CallOffered payload as the log holds it, so look-ups return the same
-- values as before; `offered_position` (the event's global position) orders "newest first".
CREATE TABLE offers (
  offer_id          uuid        PRIMARY KEY,
  shopper_id        uuid        NOT NULL,
  cart_id           uuid        NOT NULL,
  expires_at        timestamptz NOT NULL,
  offered_at        timestamptz NOT NULL,
  accepted_at       timestamptz,
  offer             jsonb       NOT NULL,
  offered_position  bigint      NOT NULL
);
CREATE INDEX offers_by_shopper ON offers (shopper_id, offered_position DESC);
CREATE INDEX offers_by_expiry ON offers (expires_at);
CREATE INDEX offers_by_time ON offers (offered_at);
CREATE INDEX offers_accepted_by_time ON offers (accepted_at) WHERE accepted_at IS NOT NULL;

-- engagement_schedule: what the scheduler's clock waits for, per cart — the callback the
-- latest help request promised, and when the latest evaluation said to look again (the end
-- of the shopper's quiet hours). A cart with neither has no row.
CREATE TABLE engagement_schedule (
  cart_id        uuid        PRIMARY KEY,
  callback_at    timestamptz,
  reconsider_at  timestamptz
);
CREATE INDEX engagement_schedule_callbacks ON engagement_schedule (callback_at) WHERE callback_at IS NOT NULL;
CREATE INDEX engagement_schedule_reconsider ON engagement_schedule (reconsider_at) WHERE reconsider_at IS NOT NULL;

-- The domain's indexes on the log (migrations 0004, 0006 and 0008) go: the tables above
-- answer what they served.
DROP INDEX IF EXISTS events_offers_by_id;
DROP INDEX IF EXISTS events_offers_by_shopper;
DROP INDEX IF EXISTS events_offers_by_expiry;
DROP INDEX IF EXISTS events_callbacks_by_time;
DROP INDEX IF EXISTS events_reconsider_by_time;
DROP INDEX IF EXISTS events_offer_answers_by_time;
