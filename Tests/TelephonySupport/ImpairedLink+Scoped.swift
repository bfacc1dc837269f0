import Foundation

/// Starts impaired links for `body` and stops them (awaited) whatever happens; `body` gets the
/// links, and the result comes back with each link's final counters (in the order started).
public func withImpairedLinks<T: Sendable>(
    _ starts: [@Sendable () async throws -> ImpairedLink], _ body: @Sendable ([ImpairedLink]) async throws -> T
) async throws -> (result: T, stats: [ImpairedLinkStats?]) {
    var links: [ImpairedLink] = []
    do {
        for start in starts { links.append(try await start()) }
        let result = try await body(links)
        var stats: [ImpairedLinkStats?] = []
        for link in links { stats.append(await link.stop()) }
        return (result, stats)
    } catch {
        for link in links { _ = await link.stop() }
        throw error
    }
}
