import Engine
import EventLog
import Foundation
import Prometheus

/// What the routes work with: the engine's services over one event log, and the settings.
public struct WebServices: Sendable {
    public let log: EventLog
    public let configuration: WebConfiguration
    public let metrics: PrometheusCollectorRegistry
    /// Shared with the engine's background services, so they share one state cache.
    public let store: AggregateStore
    public let merchants: MerchantDirectory
    let carts: CartService
    public let capacity: any ChannelCapacity
    public let preferences: PreferencesService
    /// Seals and opens shoppers' personal data (phone numbers, call destinations).
    public let vault: PersonalDataVault
    let administration: MerchantAdministration
    public let offers: OfferService
    /// Shoppers' prepaid wallets (top-ups; the charging saga holds and posts call charges).
    public let wallets: WalletService
    /// Merchants' ASP usage and monthly invoices.
    public let invoicing: InvoicingService
    /// Cart notifications from merchants' shop platforms, their secrets and failures.
    public let webhooks: PlatformWebhooks
    /// Checks the shopper tokens merchants' backends sign for the embeddable widget.
    public let shopperTokens: ShopperTokenVerifier
    /// The time the routes act at (tests move it).
    public let clock: any WallClock
    /// Pushes offers and call status to this process's open SSE streams.
    public let hub: OfferHub
    /// Whether the database answers; requests are refused at once while it does not.
    public let databaseWatch: DatabaseWatch
    /// The roles this process runs (`web`, `engine`, `telephony`), which `/health` reports.
    public var roles: Set<String> = ["web", "engine", "telephony"]
    let idempotency: IdempotentRequests
    let sessionCookie: SessionCookie
    /// Agent sign-in codes, sessions and revocation for the agent console.
    let agentConsole: AgentConsole
    /// Merchant console accounts, sessions and reports.
    let merchantConsole: MerchantConsole
    let preferencesCookie: PreferencesCookie

    public init(log: EventLog, configuration: WebConfiguration, sealingKey: SecretKey, sealingKeyID: String,
                metrics: PrometheusCollectorRegistry, capacity: any ChannelCapacity = ConfiguredCapacity(channels: 4),
                clock: any WallClock = SystemClock()) {
        let store = AggregateStore(log: log)
        let merchants = MerchantDirectory(store: store)
        self.log = log
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.merchants = merchants
        self.capacity = capacity
        self.carts = CartService(store: store, merchants: merchants, carts: CartDirectory(log: log), clock: clock)
        let vault = PersonalDataVault(log: log, sealingKey: sealingKey, sealingKeyID: sealingKeyID)
        self.vault = vault
        self.preferences = PreferencesService(store: store, vault: vault, clock: clock)
        self.administration = MerchantAdministration(store: store, directory: merchants, clock: clock)
        self.offers = OfferService(store: store, merchants: merchants, capacity: capacity, clock: clock, vault: vault,
                                   gateway: configuration.gateway)
        self.wallets = WalletService(store: store, clock: clock)
        self.invoicing = InvoicingService(store: store, merchants: merchants, clock: clock)
        let webhooks = PlatformWebhooks(store: store, merchants: merchants, sealingKey: sealingKey, clock: clock)
        self.webhooks = webhooks
        self.shopperTokens = ShopperTokenVerifier(secrets: webhooks.secrets, clock: clock)
        self.clock = clock
        self.hub = OfferHub(log: log, logger: log.logger, limits: configuration.streamLimits)
        self.databaseWatch = DatabaseWatch(log: log)
        self.idempotency = IdempotentRequests(store: IdempotencyStore(log: log, clock: clock))
        self.sessionCookie = SessionCookie(secret: configuration.sessionKey, previous: configuration.previousSessionKeys)
        self.agentConsole = AgentConsole(
            access: AgentAccessService(store: store, merchants: merchants, clock: clock, sessionKey: configuration.sessionKey),
            cookie: AgentSessionCookie(secret: configuration.sessionKey), secureCookies: configuration.secureCookies)
        self.merchantConsole = MerchantConsole(
            accounts: MerchantAccountService(store: store, merchants: merchants, clock: clock, sessionKey: configuration.sessionKey),
            cookie: MerchantSessionCookie(secret: configuration.sessionKey), reports: MerchantReports(log: log),
            secureCookies: configuration.secureCookies)
        self.preferencesCookie = PreferencesCookie(keys: configuration.preferenceKeys)
    }
}
