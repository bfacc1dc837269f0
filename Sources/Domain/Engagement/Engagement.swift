import Foundation

/// The engagement rules (docs/architecture.md §5) as one pure function: whether to offer a call for
/// an idle cart. The merchant's economics decide first; the shopper's consent, quiet hours,
/// one offer per cart, the cooldown after a decline, the holdout group and capacity can
/// each say no.
public enum Engagement {
    public static func evaluate(_ input: EngagementInput) -> EngagementDecision {
        let rules = input.rules
        let gain = expectedGainMicros(value: input.cartValue.amountMicros, rules: rules)
        var reasons: [EngagementDecision.Reason] = []
        if !input.cartIsUnconcluded { reasons.append(.cartConcluded) }
        if input.itemCount == 0 { reasons.append(.cartEmpty) }
        if input.preferences?.consent != true { reasons.append(.noConsent) }
        if let preferences = input.preferences, isQuietHours(preferences, at: input.now) { reasons.append(.quietHours) }
        if input.offersMade > 0 { reasons.append(.alreadyOffered) }
        if let declined = input.lastDeclinedAt, input.now.timeIntervalSince(declined) < Double(rules.cooldownSeconds) {
            reasons.append(.coolingDown)
        }
        if gain <= rules.minimumGainMicros { reasons.append(.belowThreshold) }
        if isHoldout(input.cartId, basisPoints: rules.holdoutBasisPoints) { reasons.append(.holdout) }
        if input.freeChannels <= 0 { reasons.append(.noCapacity) }
        if input.agentCount <= 0 { reasons.append(.noAgent) }
        if input.cartInCheckout { reasons.append(.inCheckout) }
        if input.preferences?.mode == .browser || input.agentAnswersInConsole, !input.browserVoiceAvailable {
            reasons.append(.browserUnavailable)
        }
        return EngagementDecision(offer: reasons.isEmpty, reasons: reasons, expectedGainMicros: gain)
    }

    /// value × margin × uplift − cost, with the fractions in basis points; computed in
    /// 128 bits so no cart value can overflow, then clamped to Int64.
    public static func expectedGainMicros(value: Int64, rules: EngagementRules) -> Int64 {
        let gross = Int128(value) * Int128(rules.marginBasisPoints) * Int128(rules.upliftBasisPoints) / 100_000_000
        let net = gross - Int128(rules.expectedCallCostMicros)
        return Int64(clamping: net)
    }

    /// Whether `now` falls in the shopper's quiet hours, in the shopper's time zone (UTC when
    /// none is set).
    public static func isQuietHours(_ preferences: PreferencesSet, at now: Date) -> Bool {
        guard let quiet = preferences.quietHours else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = preferences.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        return quiet.contains(minuteOfDay: (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    /// A stable share of carts, chosen from the cart id alone (FNV-1a over its bytes), that
    /// never get an offer, so conversion with and without calls can be compared.
    public static func isHoldout(_ cartId: UUID, basisPoints: Int) -> Bool {
        guard basisPoints > 0 else { return false }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        withUnsafeBytes(of: cartId.uuid) { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        return Int(hash % 10_000) < basisPoints
    }
}
