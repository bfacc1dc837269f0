import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// `DATABASE_URL` → PostgresNIO configurations.
///
/// Accepts `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`
/// and a unix socket folder as `?host=/path/to/socket-dir` (as libpq does).
public struct DatabaseURL: Sendable, CustomStringConvertible {
    /// For the long-lived pool.
    public let configuration: PostgresClient.Configuration
    /// For one-off connections (the reachability probe, a transaction held open by hand).
    public let connectionConfiguration: PostgresConnection.Configuration
    /// The URL with any password hidden, for logs and error messages.
    public let redacted: String

    public init(_ text: String, statementTimeoutSeconds: Int = 30, connectTimeoutSeconds: Int = 5) throws(DatabaseURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme)
        else { throw .malformed("expected postgres://user@host:port/database") }
        guard let user = components.user, !user.isEmpty else { throw .malformed("the URL names no user") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw .malformed("the URL names no database") }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let password = components.password
        let port = components.port ?? 5432

        var pool: PostgresClient.Configuration
        var single: PostgresConnection.Configuration
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let path = "\(socketDirectory)/.s.PGSQL.\(port)"
            pool = .init(unixSocketPath: path, username: user, password: password, database: database)
            single = .init(unixSocketPath: path, username: user, password: password, database: database)
        } else {
            guard let host = components.host, !host.isEmpty else { throw .malformed("the URL names no host") }
            let tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            // Only built when TLS is asked for: loading trust roots is slow and not needed locally.
            func context() throws(DatabaseURLError) -> NIOSSLContext {
                do { return try NIOSSLContext(configuration: tlsConfiguration) } catch { throw .malformed("TLS cannot be set up: \(error)") }
            }
            switch query["sslmode"] ?? "disable" {
            case "disable":
                pool = .init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
                single = .init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
            case "prefer", "allow":
                pool = .init(host: host, port: port, username: user, password: password, database: database, tls: .prefer(tlsConfiguration))
                single = .init(host: host, port: port, username: user, password: password, database: database, tls: .prefer(try context()))
            case "require", "verify-ca", "verify-full":
                pool = .init(host: host, port: port, username: user, password: password, database: database, tls: .require(tlsConfiguration))
                single = .init(host: host, port: port, username: user, password: password, database: database, tls: .require(try context()))
            case let other: throw .malformed("unknown sslmode '\(other)'")
            }
        }
        // A statement that runs away is cut off by the server, not left to hold locks.
        let startup = [("statement_timeout", "\(statementTimeoutSeconds)s"), ("application_name", "cartline")]
        pool.options.connectTimeout = .seconds(Int64(connectTimeoutSeconds))
        pool.options.additionalStartupParameters = startup
        single.options.connectTimeout = .seconds(Int64(connectTimeoutSeconds))
        single.options.additionalStartupParameters = startup
        configuration = pool
        connectionConfiguration = single
        var shown = components
        if shown.password != nil { shown.password = "***" }
        redacted = shown.string ?? "postgres://…"
    }

    /// Opens and closes one connection. A pool retries a dead database forever; this tells
    /// at once, with the reason, that it is unreachable.
    public func probe(logger: Logger) async throws(DatabaseURLError) {
        do {
            let connection = try await PostgresConnection.connect(configuration: connectionConfiguration, id: 0, logger: logger)
            try? await connection.close()
        } catch let error as PSQLError {
            let reason = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? String(reflecting: error.code)
            throw .unreachable(redacted, reason: reason)
        } catch {
            throw .unreachable(redacted, reason: "\(error)")
        }
    }

    public var description: String { redacted }
}

public enum DatabaseURLError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unreachable(String, reason: String)

    public var description: String {
        switch self {
        case .malformed(let reason): "DATABASE_URL is not usable: \(reason)"
        case .unreachable(let url, let reason): "cannot reach the database at \(url): \(reason)"
        }
    }
}
