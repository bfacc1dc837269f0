// swift-tools-version:6.0
import PackageDescription

// Targets follow ../shared/DESIGN.md §2: layers only look down.
// EventLog knows nothing of carts or calls; Domain (later) stays pure.
let package = Package(
    name: "cartline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cartline", targets: ["cartline"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Domain", targets: ["Domain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(
            name: "EventLog",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Pure types and decisions: Foundation only, no I/O, time passed in.
        .target(name: "Domain"),
        .executableTarget(
            name: "cartline",
            dependencies: [
                "EventLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks are executables under Tools/bench, built in release by their scripts.
        .executableTarget(
            name: "cartline-bench-append",
            dependencies: ["EventLog"],
            path: "Tools/bench/Sources/cartline-bench-append"
        ),
        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "EventLog",
                "cartline",  // built so the tests can run real `cartline migrate` processes
            ]
        ),
    ]
)
