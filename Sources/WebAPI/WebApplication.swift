import Hummingbird
import Logging
import ServiceLifecycle

/// Builds Cartline's HTTP front: the route table, the middleware chain, the application.
public enum WebApplication {
    /// Every route, built from the route files.
    public static func routeTable(_ services: WebServices) throws -> RouteTable {
        var table = RouteTable()
        OperationsRoutes(services: services).add(to: &table)
        MerchantRoutes(services: services).add(to: &table)
        CartRoutes(services: services).add(to: &table)
        PreferencesRoutes(services: services).add(to: &table)
        AdminRoutes(services: services).add(to: &table)
        OfferRoutes(services: services).add(to: &table)
        WalletRoutes(services: services).add(to: &table)
        BillingAdminRoutes(services: services).add(to: &table)
        AgentRoutes(services: services).add(to: &table)
        MerchantConsoleRoutes(services: services).add(to: &table)
        WebhookRoutes(services: services).add(to: &table)
        WidgetRoutes(services: services).add(to: &table)  // after the shopper routes it wraps
        try StorefrontRoutes(directory: services.configuration.publicDirectory).add(to: &table)
        return table
    }

    /// Outermost first: request id and log line, metrics, the session, then errors as
    /// problems — so even an error answer carries the request id and a new session cookie.
    public static func router(_ services: WebServices) throws -> Router<ShopperRequestContext> {
        let table = try routeTable(services)
        let router = Router(context: ShopperRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: WidgetCORSMiddleware(merchants: services.merchants))
        router.add(middleware: SessionMiddleware(cookie: services.sessionCookie, secureCookies: services.configuration.secureCookies))
        router.add(middleware: ProblemMiddleware(routes: table))
        router.add(middleware: DatabaseGateMiddleware(watch: services.databaseWatch))
        table.register(on: router)
        return router
    }

    /// The server with the event log and `background` (projectors…) as its services;
    /// `onServerRunning` is called once the port is open.
    public static func application(
        _ services: WebServices, host: String, port: Int, background: [any Service] = [], logger: Logger,
        onServerRunning: @escaping @Sendable () async -> Void = {}
    ) throws -> some ApplicationProtocol {
        Application(
            router: try router(services),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(services.configuration.idleTimeoutSeconds))),
                           requestReadTimeout: .seconds(Int64(services.configuration.requestReadTimeoutSeconds))),
            configuration: .init(address: .hostname(host, port: port), serverName: "cartline"),
            services: [services.log, services.hub, services.databaseWatch] + background,
            onServerRunning: { _ in await onServerRunning() },
            logger: logger
        )
    }
}
