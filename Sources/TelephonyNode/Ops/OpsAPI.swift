import Hummingbird
import Logging
import Telephony

/// The telephony node's ops HTTP API (`/ops/v1/…`, bearer token, its own listener), served
/// over any `OpsControl`; `cartline-ops` is its client.
public struct OpsAPI: Sendable {
    public let configuration: OpsAPIConfiguration
    private let control: any OpsControl
    private let slots: OpsStreamSlots

    public init(control: any OpsControl, configuration: OpsAPIConfiguration) {
        self.control = control
        self.configuration = configuration
        self.slots = OpsStreamSlots(maxStreams: configuration.maxEventStreams)
    }

    /// Problems outermost, then the token check (so even an unknown path needs the token),
    /// then the routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: OpsProblemMiddleware())
        router.add(middleware: OpsAuthMiddleware(token: configuration.token))
        OpsRoutes(control: control, configuration: configuration, slots: slots).register(on: router)
        return router
    }

    /// The server, a `Service` to run in the node's service group; `onServerRunning` gets the
    /// bound port once it listens (useful with port 0).
    public func application(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cartline-ops"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }
}
