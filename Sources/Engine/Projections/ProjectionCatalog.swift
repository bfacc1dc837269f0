/// Every projection Cartline runs, by name.
public enum ProjectionCatalog {
    public static let all: [ProjectionKind] = [
        UnconcludedCartsProjection.kind, LiveCallsProjection.kind, TelephonyNodesProjection.kind,
        ShopperCartsProjection.kind, MerchantRegistryProjection.kind, MerchantCallsProjection.kind,
        OffersProjection.kind, EngagementScheduleProjection.kind,
        CallChargesProjection.kind, PendingHoldsProjection.kind, SettlementAccrualsProjection.kind,
    ]

    public static func named(_ name: String) throws(EngineError) -> ProjectionKind {
        guard let found = all.first(where: { $0.name == name }) else {
            throw .invalidProjection("no projection '\(name)'; known: \(all.map(\.name).joined(separator: ", "))")
        }
        return found
    }

    /// Live instances, writing their own tables.
    public static func live() -> [any Projection] { all.map(\.live) }
}
