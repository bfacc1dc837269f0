extension MediaEngine {
    /// Relays audio both ways between `a` and `b` (each re-stamped as its own outgoing stream); stops their playback.
    public func bridge(_ a: RTPLeg, _ b: RTPLeg) {
        guard a !== b else { return }
        let (left, right) = (a.endpoint, b.endpoint)
        left.onLoop { endpoint, _ in endpoint.bridge(to: right) }
        right.onLoop { endpoint, _ in endpoint.bridge(to: left) }
    }

    /// Stops relaying between `a` and `b`.
    public func unbridge(_ a: RTPLeg, _ b: RTPLeg) {
        let (left, right) = (a.endpoint, b.endpoint)
        left.onLoop { endpoint, _ in endpoint.unbridge(from: right) }
        right.onLoop { endpoint, _ in endpoint.unbridge(from: left) }
    }
}
