import ArgumentParser
import Engine
import EventLog
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOPosix
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Telephony
import TelephonyNode
import UnixSignals
import WebAPI

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the shopper API and storefront, run the projectors and sagas, and place calls on this node's channels.",
        discussion: """
            Settings from the environment (no secret has a default; Tools/run generates them):
              DATABASE_URL            the event log's database
            \(DatabasePoolSettings.help)
              CARTLINE_HOST           address to listen on (default 127.0.0.1)
              CARTLINE_PORT           port (default 8080)
              CARTLINE_SESSION_KEY    base64 32-byte key signing cartline_session
              CARTLINE_PREFS_KEYS     id:base64key[,id:base64key…] encrypting cartline_prefs, newest first
              CARTLINE_SEALING_KEY    base64 32-byte key wrapping each shopper's data key
              CARTLINE_ADMIN_TOKEN    bearer token of /v1/admin (16+ characters)
              CARTLINE_METRICS_TOKEN  bearer token of /metrics (16+ characters); unset: /metrics is 404
              CARTLINE_PUBLIC_DIR     storefront files (default ./Public)
              CARTLINE_SECURE_COOKIES 1 when TLS ends in front of Cartline
              CARTLINE_HTTP_IDLE_TIMEOUT_SECONDS  a connection with no request under way
                                      is closed after this long, 1…3600 (default 60)
              CARTLINE_HTTP_REQUEST_READ_TIMEOUT_SECONDS  a request's head and body must
                                      all arrive within this long of its first byte, else
                                      408 and the connection is closed, 1…600 (default 30)
              CARTLINE_JANUS_WS_URL, CARTLINE_JANUS_TOKEN_SECRET, CARTLINE_GATEWAY_REGISTRAR,
              CARTLINE_GATEWAY_SECRET  the browser gateway, as Tools/janus/run start prints them (all or
                                      none; none: no `browser` mode, shoppers choosing it are told so)
              CARTLINE_JANUS_JS       the gateway's browser library served at /vendor/janus.js
                                      (default /usr/share/javascript/janus-gateway/janus.js)
              CARTLINE_LOG_LEVEL      trace|debug|info|notice|warning|error (default info)
              CARTLINE_ROLES          which parts run here: web, engine, telephony, comma-separated
                                      (default all three); the parts coordinate only through the log
            The telephony role:
            \(TelephonyNodeSettings.help)
            SIGTERM or SIGINT drains in-flight requests, ends live calls, then exits 0.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Address to listen on (default: $CARTLINE_HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default: $CARTLINE_PORT or 8080).")
    var port: Int?

    @Option(help: "Roles to run: web, engine, telephony, comma-separated (default: $CARTLINE_ROLES or all).")
    var roles: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "cartline")
        logger.logLevel = environment["CARTLINE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let host = self.host ?? environment["CARTLINE_HOST"] ?? "127.0.0.1"
        let port = try self.port ?? Self.port(from: environment["CARTLINE_PORT"])
        let roles = try Roles(parsing: self.roles ?? environment["CARTLINE_ROLES"] ?? "web,engine,telephony")
        let (configuration, sealingKey) = try Self.settings(from: environment)
        let telephony = try roles.telephony ? Self.telephonySettings(from: environment) : nil
        let pool = try Self.poolSettings(from: environment)

        let url = try database.resolvedURL(statementTimeoutSeconds: pool.operationTimeoutSeconds)
        do { try await url.probe(logger: logger) } catch {
            FileHandle.standardError.write(Data("cartline serve: \(CommandFailure.describe(error))\n".utf8))
            throw ExitCode.failure
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        var quiet = logger
        quiet.logLevel = .error  // the pool logs every reconnect attempt at info
        var poolConfiguration = url.configuration
        poolConfiguration.options.maximumConnections = pool.maxConnections
        let client = PostgresClient(configuration: poolConfiguration, backgroundLogger: quiet)
        var logConfiguration = EventLogConfiguration()
        logConfiguration.operationTimeoutSeconds = Double(pool.operationTimeoutSeconds)
        let log = EventLog(client: client, configuration: logConfiguration, logger: logger)
        // Held for good: the LISTEN connection, one lock connection per consumer, the node lock.
        var heldConnections = logConfiguration.wakeUp == .notify ? 1 : 0
        var services = WebServices(log: log, configuration: configuration, sealingKey: sealingKey, sealingKeyID: "s1", metrics: registry,
                                   capacity: TelephonyCapacity(log: log))
        services.roles = roles.names
        let clock = SystemClock()
        var background: [any Service] = []
        if roles.engine {
            let saga = EngagementSagaConsumer(store: services.store, merchants: services.merchants,
                                              capacity: services.capacity, clock: clock,
                                              browserVoiceAvailable: services.offers.browserVoiceAvailable)
            let charging = ChargingSagaConsumer(store: services.store, logger: logger)
            let consumers: [any LogConsumer] = ProjectionCatalog.live() + [saga, charging]
            heldConnections += consumers.count
            background.append(ProjectorRunner(log: log, projections: consumers, logger: logger))
            background.append(ChargingClock(store: services.store, merchants: services.merchants, clock: clock, logger: logger))
            background.append(IdempotencySweeper(store: IdempotencyStore(log: log, clock: clock), logger: logger))
            background.append(IdleScheduler(store: services.store, merchants: services.merchants, clock: clock,
                                            callbacks: (services.offers, services.preferences), logger: logger))
        }
        if let (telephonyConfiguration, opsConfiguration) = telephony {
            heldConnections += 1
            let channels = ChannelPool(configuration: telephonyConfiguration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
            let node = TelephonyNodeService(pool: channels, log: log, store: services.store, vault: services.vault, clock: clock, logger: logger)
            background.append(node)
            let ops = OpsAPI(control: node.opsControl, configuration: opsConfiguration)
            let opsLogger = logger
            background.append(ops.application(logger: logger) { port in
                opsLogger.notice("ops API listening", metadata: ["url": "http://\(opsConfiguration.host):\(port)/ops/v1/status"])
            })
        }
        do {
            try pool.check(heldConnections: heldConnections, heldBy: roles.names.sorted().joined(separator: ","))
        } catch {
            throw ValidationError(error.description)
        }
        // Without the web role the log and the background services run in the group itself.
        var top: [any Service] = [client]
        if roles.web {
            do {
                top.append(try WebApplication.application(services, host: host, port: port, background: background, logger: logger))
            } catch let error as ConfigurationError {
                throw ValidationError(error.description)
            }
        } else {
            top += [log] + background
        }
        let group = ServiceGroup(configuration: .init(
            services: top.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }

    /// The telephony node's settings, or a usage error naming what is wrong.
    static func telephonySettings(from environment: [String: String]) throws -> (TelephonyConfiguration, OpsAPIConfiguration) {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let working = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        do {
            let telephony = try TelephonyNodeSettings.configuration(from: environment, executableDirectory: executable, workingDirectory: working)
            let ops = try OpsAPIConfiguration.fromEnvironment(environment)
            return (telephony, ops)
        } catch let error as TelephonyNodeError {
            throw ValidationError(error.description)
        } catch let error as OpsAPIError {
            throw ValidationError("the telephony role's ops API: \(error.description)")
        }
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

    /// The database pool's settings, or a usage error naming what is wrong.
    static func poolSettings(from environment: [String: String]) throws -> DatabasePoolSettings {
        do { return try DatabasePoolSettings.fromEnvironment(environment) } catch { throw ValidationError(error.description) }
    }

    static func port(from text: String?) throws -> Int {
        guard let text else { return 8080 }
        guard let port = Int(text), (1...65_535).contains(port) else { throw ValidationError("CARTLINE_PORT must be 1…65535, not '\(text)'") }
        return port
    }
}
