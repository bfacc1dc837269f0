import Logging
import ServiceLifecycle

/// Runs services side by side until graceful shutdown, for a process without the web role.
struct BackgroundServices: Service {
    let services: [any Service]
    let logger: Logger

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for service in services { group.addTask { try await service.run() } }
        }
    }
}
