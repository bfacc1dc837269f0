import Metrics

/// What ops want to see of the business beside the plumbing: offers and their answers,
/// and calls by outcome. Counters per process; Prometheus sums them across processes, and
/// conversion is accepted ÷ made.
public enum BusinessMetrics {
    /// `cartline_offers_total{outcome}`: `made`, `accepted`, `declined`, `expired`.
    public static func offer(_ outcome: String) {
        Counter(label: "cartline_offers_total", dimensions: [("outcome", outcome)]).increment()
    }

    /// `cartline_engagement_decisions_total{offer}`: every evaluation of an idle cart.
    public static func decision(offered: Bool) {
        Counter(label: "cartline_engagement_decisions_total", dimensions: [("offer", offered ? "yes" : "no")]).increment()
    }

    /// `cartline_calls_total{outcome}`: `answered`, `ended`, and `failed:<reason>`.
    public static func call(_ outcome: String) {
        Counter(label: "cartline_calls_total", dimensions: [("outcome", outcome)]).increment()
    }
}
