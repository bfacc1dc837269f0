-- Finding offers by id (accept, decline) and a shopper's offers (the SSE replay), until a
-- projection of open offers exists. Partial: other appends only test the predicate.
CREATE INDEX events_offers_by_id ON events ((data->>'offerId')) WHERE event_type = 'CallOffered';
CREATE INDEX events_offers_by_shopper ON events ((data->>'shopperId'), global_position) WHERE event_type = 'CallOffered';
