-- The scheduler's clock-driven steps look for offers lapsing and callbacks falling due in a
-- short window of time; these partial indexes make each look a range scan instead of a
-- scan of every offer or help request ever written.
CREATE INDEX events_offers_by_expiry ON events ((data->>'expiresAt')) WHERE event_type = 'CallOffered';
CREATE INDEX events_callbacks_by_time ON events ((data->>'callbackAt'))
  WHERE event_type = 'HelpRequested' AND data->>'action' = 'callback';
