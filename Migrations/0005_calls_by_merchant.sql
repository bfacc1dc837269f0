-- The agent console lists a merchant's calls: CallRequested events of call streams, by merchant.
CREATE INDEX events_calls_by_merchant ON events ((data->>'merchantId'), global_position)
  WHERE event_type = 'CallRequested' AND stream_id LIKE 'call-%';
