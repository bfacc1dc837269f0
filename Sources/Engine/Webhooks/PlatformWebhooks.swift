import Domain
import EventLog
import Foundation
import PostgresNIO

/// Takes cart notifications from merchants' shop platforms into the log.
///
/// Guarantees (each tested in Tests/WebAPITests/WebhookAPITests.swift against a real Postgres):
/// - **Verified first.** Nothing is parsed, stored or appended before the signature over the
///   raw bytes matches one of the merchant's valid secrets (constant-time HMAC check); a
///   refusal appends nothing (only a line in the merchant's failure list).
/// - **Once per platform event.** The events of one platform event get ids derived from it
///   (`WebhookIdentity.eventIDs`): the log refuses to store an id twice, so a second delivery
///   appends nothing and is answered as a duplicate, even when it comes after the cart has
///   changed again (an old snapshot does not roll the cart back); two racing deliveries
///   cannot both append (unique event ids and stream versions).
/// - **One append per notification.** All the cart events a notification means are decided
///   together (`PlatformCartSync`) and appended at once to the cart's stream.
/// - **Paid means no offer.** An order closes an offer still open on the cart
///   (`EngagementSaga.withdrawOpenOffer`).
public struct PlatformWebhooks: Sendable {
    /// What became of a notification that was not refused.
    public struct Receipt: Sendable, Equatable {
        public enum Outcome: String, Sendable {
            /// Its events were appended (possibly none: the cart already was as it says).
            case accepted
            /// The platform event was taken before: nothing appended.
            case duplicate
            /// Verified, but about nothing Cartline follows (a topic, an order state, a
            /// concluded cart, an order without a cart): nothing appended.
            case ignored
        }

        public let outcome: Outcome
        public let cartId: UUID?
        public let appendedEvents: Int
        public let detail: String
    }

    let store: AggregateStore
    let merchants: MerchantDirectory
    public let secrets: WebhookSecretKeeper
    public let failures: WebhookFailureLog
    let clock: any WallClock

    public init(store: AggregateStore, merchants: MerchantDirectory, sealingKey: SecretKey, clock: any WallClock) {
        self.store = store
        self.merchants = merchants
        self.secrets = WebhookSecretKeeper(store: store, merchants: merchants, sealingKey: sealingKey, clock: clock)
        self.failures = WebhookFailureLog(log: store.log)
        self.clock = clock
    }

    /// Verifies, parses and applies one notification. An unknown or retired merchant is
    /// `DomainError.notFound`; a refused notification is a `WebhookError` (recorded in the
    /// merchant's failure list first).
    public func receive(merchantId: String, platform: WebhookPlatform, headers: WebhookHeaders, body: [UInt8]) async throws -> Receipt {
        guard let merchant = try await merchants.merchant(merchantId) else { throw DomainError.notFound("no merchant \(merchantId)") }
        let now = clock.now()
        do {
            if platform == .woocommerce, Self.isWooCommercePing(headers: headers, body: body) {
                return Receipt(outcome: .ignored, cartId: nil, appendedEvents: 0, detail: "WooCommerce's ping when a webhook is saved: acknowledged")
            }
            guard body.count <= WebhookLimits.maxBodyBytes else {
                throw WebhookError.tooLarge("the body is over \(WebhookLimits.maxBodyBytes) bytes")
            }
            try await verify(platform: platform, merchantId: merchantId, headers: headers, body: body, now: now)
            guard let notification = try PlatformNotifications.parse(platform, body: body, headers: headers, now: now) else {
                return Receipt(outcome: .ignored, cartId: nil, appendedEvents: 0, detail: "the topic or order state says nothing about a cart")
            }
            try PlatformCartSync.checkCurrency(notification, merchantCurrency: merchant.profile.currency)
            return try await apply(notification, merchant: merchant, now: now)
        } catch let error as WebhookError {
            // The refusal is answered even when its line in the failure list cannot be written.
            try? await failures.record(merchantId: merchantId, platform: platform, error: error, status: Self.status(of: error),
                                       eventId: Self.eventIdHeader(platform, headers), body: body, at: now)
            throw error
        }
    }

    /// Records a refusal that happened before `receive` could run (a body over the limit,
    /// cut off while it was read), for a merchant that exists.
    public func recordRefusal(merchantId: String, platform: WebhookPlatform, error: WebhookError, headers: WebhookHeaders, body: [UInt8]) async {
        guard (try? await merchants.merchant(merchantId)) != nil else { return }
        try? await failures.record(merchantId: merchantId, platform: platform, error: error, status: Self.status(of: error),
                                   eventId: Self.eventIdHeader(platform, headers), body: body, at: clock.now())
    }

    /// The HTTP status a refusal is answered with.
    public static func status(of error: WebhookError) -> Int {
        switch error {
        case .unsigned, .badSignature: 401
        case .stale: 400
        case .tooLarge: 413
        case .malformed: 422
        case .currencyMismatch: 409
        }
    }

    private func verify(platform: WebhookPlatform, merchantId: String, headers: WebhookHeaders, body: [UInt8], now: Date) async throws {
        let valid = try await secrets.secrets(merchantId: merchantId)
        guard !valid.isEmpty else { throw WebhookError.unsigned("no webhook secret is set up for \(merchantId): add one first") }
        switch platform {
        case .shopify:
            try WebhookSignature.verifyBase64(headers["X-Shopify-Hmac-Sha256"], headerName: "X-Shopify-Hmac-Sha256", body: body, secrets: valid)
        case .woocommerce:
            try WebhookSignature.verifyBase64(headers["X-WC-Webhook-Signature"], headerName: "X-WC-Webhook-Signature", body: body, secrets: valid)
        case .cartline:
            try WebhookSignature.verifyCartline(headers[CartlineSignatureHeader.name], body: body, secrets: valid, now: now)
        }
    }

    private func apply(_ notification: PlatformCartNotification, merchant: MerchantState, now: Date) async throws -> Receipt {
        guard let token = notification.cartToken else {
            return Receipt(outcome: .ignored, cartId: nil, appendedEvents: 0, detail: "the order names no cart")
        }
        let cartId = WebhookIdentity.cartId(merchantId: merchant.id, platform: notification.platform, cartToken: token)
        let target = PlatformCartSync.Target(
            cartId: cartId, shopperId: WebhookIdentity.shopperId(merchantId: merchant.id, customerId: notification.customerId, cartToken: token),
            merchantId: merchant.id, currency: merchant.profile.currency)
        let eventIDs = WebhookIdentity.eventIDs(merchantId: merchant.id, platform: notification.platform, eventId: notification.eventId)
        let before = try await store.latestKnown(CartAggregate.self, .cart(cartId))
        if before.state?.status == .completed {
            try await withdrawOffer(cartId: cartId, now: now)
            if try await isStored(eventIDs.id(at: 0)) {
                return Receipt(outcome: .duplicate, cartId: cartId, appendedEvents: 0, detail: "event \(notification.eventId) was taken before")
            }
            return Receipt(outcome: .ignored, cartId: cartId, appendedEvents: 0, detail: "the cart's purchase is concluded; it changes no more")
        }
        // The append itself tells a second delivery: its events' ids are derived from the
        // platform event, and the log refuses an id it holds (`eventIdConflict`), whatever the
        // cart has become since. Only a delivery that decides nothing is looked up by id.
        var decided = 0
        let result: Versioned<CartState?>
        do {
            result = try await store.execute(CartAggregate.self, .cart(cartId), eventIDs: eventIDs, preloaded: before) { state in
                guard state == nil || state?.merchantId == merchant.id else { throw DomainError.notFound("no such cart") }
                let events = try PlatformCartSync.decide(notification, target: target, state: state, now: now)
                decided = events.count
                return events
            }
        } catch EventLogError.eventIdConflict {
            return Receipt(outcome: .duplicate, cartId: cartId, appendedEvents: 0, detail: "event \(notification.eventId) was taken before")
        }
        if decided == 0, try await isStored(eventIDs.id(at: 0)) {
            return Receipt(outcome: .duplicate, cartId: cartId, appendedEvents: 0, detail: "event \(notification.eventId) was taken before")
        }
        if result.state?.status == .completed { try await withdrawOffer(cartId: cartId, now: now) }
        return Receipt(outcome: .accepted, cartId: cartId, appendedEvents: decided,
                       detail: decided == 0 ? "the cart already is as the notification says" : "\(decided) cart event(s) appended")
    }

    /// Closes an offer still open on a cart whose purchase is concluded (once per offer).
    private func withdrawOffer(cartId: UUID, now: Date) async throws {
        let engagement = try await store.load(EngagementAggregate.self, .engagement(cartId))
        guard let offer = engagement.state.openOffer else { return }
        try await store.execute(EngagementAggregate.self, .engagement(cartId), eventIDs: .derived(from: "platform-order-withdraws:\(offer.offerId)"),
                                preloaded: engagement) { state in
            EngagementSaga.withdrawOpenOffer(state: state, now: now)
        }
        BusinessMetrics.offer("withdrawn")
    }

    /// Whether the log holds an event with this id (the unique `event_id` index).
    private func isStored(_ eventId: UUID) async throws -> Bool {
        let log = store.log
        let client = log.client
        let logger = log.logger
        return try await log.run("find platform event") {
            let rows = try await client.query("SELECT 1 FROM events WHERE event_id = \(eventId)", logger: logger)
            for try await _ in rows.decode(Int.self) { return true }
            return false
        }
    }

    static func eventIdHeader(_ platform: WebhookPlatform, _ headers: WebhookHeaders) -> String? {
        switch platform {
        case .shopify: headers["X-Shopify-Event-Id"] ?? headers["X-Shopify-Webhook-Id"]
        case .woocommerce: headers["X-WC-Webhook-Delivery-ID"]
        case .cartline: nil
        }
    }

    /// WooCommerce posts `webhook_id=<n>` (form-encoded, unsigned) when a webhook is saved.
    static func isWooCommercePing(headers: WebhookHeaders, body: [UInt8]) -> Bool {
        guard headers["X-WC-Webhook-Topic"] == nil, body.count <= 40 else { return false }
        let text = String(decoding: body, as: UTF8.self)
        guard text.hasPrefix("webhook_id=") else { return false }
        return text.dropFirst("webhook_id=".count).allSatisfy(\.isNumber)
    }
}
