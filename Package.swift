// swift-tools-version:6.0
import PackageDescription

// Targets follow docs/architecture.md §2: layers only look down.
// EventLog knows nothing of carts or calls; Domain (later) stays pure.
let package = Package(
    name: "cartline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cartline", targets: ["cartline"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Domain", targets: ["Domain"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "WebAPI", targets: ["WebAPI"]),
        .library(name: "Telephony", targets: ["Telephony"]),
        .executable(name: "cartline-call-handler", targets: ["cartline-call-handler"]),
        .executable(name: "cartline-plugin-host", targets: ["cartline-plugin-host"]),
        .executable(name: "cartline-ops", targets: ["cartline-ops"]),
        .executable(name: "cartline-finance", targets: ["cartline-finance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),  // tests read openapi.yaml
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),  // tests and cartline-ops talk to real servers
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(
            name: "EventLog",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Pure types and decisions: Foundation only, no I/O, time passed in.
        .target(name: "Domain"),
        // The double-entry ledger and call metering: pure, like Domain (time passed in).
        .target(name: "Billing", dependencies: ["Domain"]),
        // Connects Domain to EventLog: command handling, directories over the log.
        .target(
            name: "Engine",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "EventLog", "Domain", "Billing",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),  // PBKDF2 for merchant console passwords
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Hummingbird routes: the shopper API, cookies, admin, static storefront.
        .target(
            name: "WebAPI",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                // HTTPParserError: a connection closed inside a request body (ClientWentAway).
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "Engine", "Domain", "EventLog", "Billing",
                .product(name: "Hummingbird", package: "hummingbird"),
                // HTTP1Channel and ServerChildChannel: the request read deadline's pipeline.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Telephony, in layers that only look down (as SwiftNIO's): SIP signalling, RTP media
        // and the external call-handler processes know nothing of each other; Telephony
        // composes them into channels and calls; none of them knows what a cart is.
        .target(
            name: "SIP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Media",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CallHandlers",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Telephony",
            dependencies: [
                "SIP", "Media", "CallHandlers",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The telephony role: claims calls from the log, runs them on the channel pool,
        // appends what happened, and serves the ops API.
        .target(
            name: "TelephonyNode",
            dependencies: [
                "CallHandlers",
                "Telephony", "Engine", "Domain", "EventLog",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The default external call handler: speaks docs/call-handler-protocol.md on stdin/stdout.
        .executableTarget(name: "cartline-call-handler"),
        // Runs a call-handler shared library (.so) in a child process of its own.
        .executableTarget(name: "cartline-plugin-host"),
        // The ops CLI: a client of the telephony node's ops API.
        .executableTarget(
            name: "cartline-ops",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Finance's read-only replay, reports, reconciliation and exports over the log.
        .executableTarget(
            name: "cartline-finance",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "EventLog", "Domain", "Billing",
            ]
        ),
        .executableTarget(
            name: "cartline",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "EventLog", "Engine", "WebAPI", "TelephonyNode", "Telephony",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks are executables under Tools/bench, built in release by their scripts.
        .executableTarget(
            name: "cartline-bench-append",
            dependencies: [.product(name: "Logging", package: "swift-log"), .product(name: "PostgresNIO", package: "postgres-nio"), "EventLog"],
            path: "Tools/bench/Sources/cartline-bench-append"
        ),
        .executableTarget(
            name: "cartline-bench-telephony",
            dependencies: [
                "Media",
                "Telephony", "TelephonyNode", "CallHandlers", "Engine", "EventLog", "Domain",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),  // the bench's own PostgresClient
            ],
            path: "Tools/bench/Sources/cartline-bench-telephony"
        ),
        .executableTarget(
            name: "cartline-bench-finance",
            dependencies: [
                "Billing", "Domain", "Engine", "EventLog",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tools/bench/Sources/cartline-bench-finance"
        ),
        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        .testTarget(name: "BillingTests", dependencies: ["Billing", "Domain"]),
        .testTarget(
            name: "FinanceTests",
            dependencies: [
                "Billing", "Domain", "EventLog", "CartlineTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "cartline-finance",  // built so the tests can run the real CLI
            ]
        ),
        // Telephony tests run real SIPp peers (fixtures in Tests/Fixtures/sipp) and real child processes.
        .target(name: "TelephonyTestSupport", path: "Tests/TelephonySupport"),
        .testTarget(name: "SIPTests", dependencies: [.product(name: "Logging", package: "swift-log"), "SIP", "TelephonyTestSupport",
                                                     .product(name: "NIOCore", package: "swift-nio"),
                                                     .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "MediaTests", dependencies: [.product(name: "Logging", package: "swift-log"), "Media", "TelephonyTestSupport",
                                                       .product(name: "NIOCore", package: "swift-nio"),
                                                       .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "CallHandlersTests", dependencies: ["CallHandlers", "TelephonyTestSupport",
                                                              "cartline-call-handler", "cartline-plugin-host",
                                                              .product(name: "NIOCore", package: "swift-nio"),
                                                              .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "TelephonyTests", dependencies: [.product(name: "Logging", package: "swift-log"), "Telephony", "SIP", "Media", "CallHandlers", "TelephonyTestSupport",
                                                           "cartline-call-handler", "cartline-plugin-host",
                                                           .product(name: "NIOCore", package: "swift-nio"),
                                                           .product(name: "NIOPosix", package: "swift-nio")]),
        // A fresh migrated database per test, shared by the database-backed test targets.
        .target(
            name: "CartlineTestSupport",
            dependencies: [.product(name: "Logging", package: "swift-log"), "EventLog", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/Support"
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                "Engine", "Domain", "EventLog", "Billing", "CartlineTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "WebAPITests",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                "WebAPI", "Engine", "Domain", "EventLog", "Billing", "CartlineTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                "cartline",  // built so the tests can run a real `cartline serve`
            ]
        ),
        .testTarget(
            name: "TelephonyNodeTests",
            dependencies: [
                "CallHandlers",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "TelephonyNode", "Telephony", "Engine", "Domain", "EventLog", "CartlineTestSupport", "TelephonyTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                "cartline", "cartline-ops", "cartline-call-handler",
            ]
        ),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "EventLog", "CartlineTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "cartline",  // built so the tests can run real `cartline migrate` processes
            ]
        ),
    ]
)

// Every target declares what it imports (a module used but not imported is an error, not a
// transitive accident), and existential types say `any`, as Hummingbird's targets do.
for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("ExistentialAny"),
    ]
}
