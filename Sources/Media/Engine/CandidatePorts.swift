/// The ports one `openLeg` tries: port 0 (ephemeral), or every even port of the configured range
/// once, starting at this leg's turn so consecutive legs do not all probe the same taken ports.
struct CandidatePorts {
    private let ephemeral: Bool
    private let first: Int
    private let start: Int
    /// How many ports to try (the even ports of the range; 1 for ephemeral, 0 for a range without one).
    let count: Int

    init(range: ClosedRange<Int>?, step: Int) {
        guard let range else {
            (ephemeral, first, start, count) = (true, 0, 0, 1)
            return
        }
        let first = range.lowerBound + (range.lowerBound & 1)
        let evenPorts = first > range.upperBound ? 0 : (range.upperBound - first) / 2 + 1
        self.ephemeral = false
        self.first = first
        self.count = evenPorts
        self.start = evenPorts == 0 ? 0 : step % evenPorts
    }

    /// The port of try number `attempt` (0 ..< count).
    func port(attempt: Int) -> Int {
        ephemeral ? 0 : first + 2 * ((start + attempt) % count)
    }
}
