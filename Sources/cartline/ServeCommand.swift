import ArgumentParser
import Engine
import EventLog
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import Prometheus
import ServiceLifecycle
import WebAPI

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the shopper API, the storefront, /health and /metrics, and run the projectors.",
        discussion: """
            Settings from the environment (no secret has a default; Tools/run generates them):
              DATABASE_URL            the event log's database
              CARTLINE_HOST           address to listen on (default 127.0.0.1)
              CARTLINE_PORT           port (default 8080)
              CARTLINE_SESSION_KEY    base64 32-byte key signing cartline_session
              CARTLINE_PREFS_KEYS     id:base64key[,id:base64key…] encrypting cartline_prefs, newest first
              CARTLINE_SEALING_KEY    base64 32-byte key wrapping each shopper's data key
              CARTLINE_ADMIN_TOKEN    bearer token of /v1/admin (16+ characters)
              CARTLINE_PUBLIC_DIR     storefront files (default ./Public)
              CARTLINE_SECURE_COOKIES 1 when TLS ends in front of Cartline
              CARTLINE_LOG_LEVEL      trace|debug|info|notice|warning|error (default info)
              CARTLINE_CHANNELS       free voice channels reported to the engagement saga until
                                      the telephony node reports its own (default 4)
            SIGTERM or SIGINT drains in-flight requests, then exits 0.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Address to listen on (default: $CARTLINE_HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default: $CARTLINE_PORT or 8080).")
    var port: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "cartline")
        logger.logLevel = environment["CARTLINE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let host = self.host ?? environment["CARTLINE_HOST"] ?? "127.0.0.1"
        let port = try self.port ?? Self.port(from: environment["CARTLINE_PORT"])
        let channels = try Self.channels(from: environment["CARTLINE_CHANNELS"])
        let (configuration, sealingKey) = try Self.settings(from: environment)

        let url = try database.resolvedURL()
        do { try await url.probe(logger: logger) } catch {
            FileHandle.standardError.write(Data("cartline serve: \(CommandFailure.describe(error))\n".utf8))
            throw ExitCode.failure
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        var quiet = logger
        quiet.logLevel = .error  // the pool logs every reconnect attempt at info
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: quiet)
        let log = EventLog(client: client, logger: logger)
        let services = WebServices(log: log, configuration: configuration, sealingKey: sealingKey, sealingKeyID: "s1", metrics: registry,
                                   capacity: ConfiguredCapacity(channels: channels))
        let app: any Service
        do {
            let clock = SystemClock()
            let saga = EngagementSagaConsumer(store: services.store, merchants: services.merchants,
                                              capacity: services.capacity, clock: clock)
            let consumers: [any LogConsumer] = ProjectionCatalog.live() + [saga]
            let projectors = ProjectorRunner(log: log, projections: consumers, logger: logger)
            let idle = IdleScheduler(store: services.store, merchants: services.merchants, clock: clock,
                                     callbacks: (services.offers, services.preferences), logger: logger)
            app = try WebApplication.application(services, host: host, port: port, background: [projectors, idle], logger: logger)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: client), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }

    /// The web settings and the sealing key, or a usage error naming what is wrong.
    static func settings(from environment: [String: String]) throws -> (WebConfiguration, SecretKey) {
        do {
            let configuration = try WebConfiguration.fromEnvironment(
                environment, defaultPublicDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Public"))
            return (configuration, try WebConfiguration.secretKey("CARTLINE_SEALING_KEY", in: environment))
        } catch {
            throw ValidationError(error.description)
        }
    }

    static func channels(from text: String?) throws -> Int {
        guard let text else { return 4 }
        guard let channels = Int(text), (0...10_000).contains(channels) else { throw ValidationError("CARTLINE_CHANNELS must be 0…10000, not '\(text)'") }
        return channels
    }

    static func port(from text: String?) throws -> Int {
        guard let text else { return 8080 }
        guard let port = Int(text), (1...65_535).contains(port) else { throw ValidationError("CARTLINE_PORT must be 1…65535, not '\(text)'") }
        return port
    }
}
