import Domain

/// A Domain decider as the engine sees it: a state folded from its stream's events.
public protocol Aggregate {
    associatedtype State: Sendable
    associatedtype Event: LoggedEvent
    static var initialState: State { get }
    static func evolve(_ state: State, _ event: Event) -> State
}

public enum CartAggregate: Aggregate {
    public static var initialState: CartState? { nil }
    public static func evolve(_ state: CartState?, _ event: CartEvent) -> CartState? { Cart.evolve(state, event) }
}

public enum ShopperAggregate: Aggregate {
    public static var initialState: ShopperState { ShopperState() }
    public static func evolve(_ state: ShopperState, _ event: ShopperEvent) -> ShopperState { Shopper.evolve(state, event) }
}

public enum MerchantAggregate: Aggregate {
    public static var initialState: MerchantState? { nil }
    public static func evolve(_ state: MerchantState?, _ event: MerchantEvent) -> MerchantState? { Merchant.evolve(state, event) }
}

public enum EngagementAggregate: Aggregate {
    public static var initialState: EngagementState { EngagementState() }
    public static func evolve(_ state: EngagementState, _ event: EngagementEvent) -> EngagementState { EngagementSaga.evolve(state, event) }
}
