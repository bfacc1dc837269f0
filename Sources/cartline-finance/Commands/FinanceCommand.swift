import ArgumentParser
import Foundation
import Logging

/// What every finance command shares: a quiet logger and one clear line on failure.
enum FinanceCommand {
    static func run(_ name: String, _ body: (Logger) async throws -> Void) async throws {
        var logger = Logger(label: "cartline.finance.\(name)")
        logger.logLevel = .error  // the pool logs every reconnect attempt at info
        do {
            try await body(logger)
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("cartline-finance \(name): \(FinanceFailure.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
