import EventLog
import Foundation
import PostgresNIO

/// The business as it stands, read when `/metrics` is scraped (whole-system values, the
/// same from every process): calls waiting for a line, being placed (dialling or ringing)
/// and live (answered or talking), from `live_calls`; and offers made and accepted over the
/// last 24 hours with their conversion, from `offers` (by when each was made and accepted).
/// The per-process counters in `BusinessMetrics` count what happened; these say
/// what is.
public struct BusinessGauges: Sendable {
    public static let conversionWindowSeconds = 86_400

    let log: EventLog

    public init(log: EventLog) { self.log = log }

    public struct Reading: Sendable, Equatable {
        public let callsWaiting: Int64
        public let callsPlacing: Int64
        public let callsLive: Int64
        public let offersMade: Int64
        public let offersAccepted: Int64

        /// Accepted ÷ made over the window (0 without offers).
        public var conversion: Double { offersMade == 0 ? 0 : Double(offersAccepted) / Double(offersMade) }
    }

    /// Reads the figures (the caller records them: `/metrics` into its registry).
    public func read() async throws -> Reading {
        let client = log.client
        let logger = log.logger
        let since = Date().addingTimeInterval(-Double(Self.conversionWindowSeconds))
        let reading = try await log.run("read business gauges") {
            var calls: (Int64, Int64, Int64) = (0, 0, 0)
            let live = try await client.query("""
                SELECT count(*) FILTER (WHERE node IS NULL),
                       count(*) FILTER (WHERE node IS NOT NULL AND phase IN ('connecting', 'ringing')),
                       count(*) FILTER (WHERE phase IN ('answered', 'talking'))
                FROM live_calls
                """, logger: logger)
            for try await row in live.decode((Int64, Int64, Int64).self) { calls = row }
            var offers: (Int64, Int64) = (0, 0)
            // Two range scans of the `offers` projection (it may lag the log by a batch).
            let answered = try await client.query("""
                SELECT (SELECT count(*) FROM offers WHERE offered_at > \(since)),
                       (SELECT count(*) FROM offers WHERE accepted_at > \(since))
                """, logger: logger)
            for try await row in answered.decode((Int64, Int64).self) { offers = row }
            return Reading(callsWaiting: calls.0, callsPlacing: calls.1, callsLive: calls.2, offersMade: offers.0, offersAccepted: offers.1)
        }
        return reading
    }
}
