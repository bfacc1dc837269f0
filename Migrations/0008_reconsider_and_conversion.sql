-- Two lookups of the engine's clock and of /metrics.

-- An evaluation that only the shopper's quiet hours refused says when to look again
-- (`reconsiderAt`); the scheduler looks for those falling due in a short window, as it
-- does for callbacks, with a range scan of this partial index.
CREATE INDEX events_reconsider_by_time ON events ((data->>'reconsiderAt'))
  WHERE event_type = 'EngagementEvaluated' AND data ? 'reconsiderAt';

-- /metrics reports offers made and accepted over the last 24 hours (their conversion):
-- a range scan of the recent ones, not a scan of the log.
CREATE INDEX events_offer_answers_by_time ON events (recorded_at)
  WHERE event_type IN ('CallOffered', 'OfferAccepted');
