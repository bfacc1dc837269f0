// cartline-bench-telephony: the parts of Tools/bench/telephony that run inside a Swift
// process. Run through that script, which starts the SIPp far ends and the database,
// measures the baselines that live outside this process, and prints the table.
// Each subcommand prints `RESULT <name> <value>` lines (and `PHASE <what>` progress lines).
//
//   cartline-bench-telephony load  CUSTOMER_HOST:PORT CALLS RATE_PER_S MEASURE_S PROFILE_S HANDLER PROMPTS_DIR
//   cartline-bench-telephony setup DATABASE_URL CUSTOMER_HOST:PORT CALLS RATE_PER_S HANDLER PROMPTS_DIR
//   cartline-bench-telephony spawn HANDLER SPAWNS
#if canImport(Glibc)
import Glibc
#endif
import Foundation

let usage = """
    usage: cartline-bench-telephony load  CUSTOMER_HOST:PORT CALLS RATE_PER_S MEASURE_S PROFILE_S HANDLER PROMPTS_DIR
           cartline-bench-telephony setup DATABASE_URL CUSTOMER_HOST:PORT CALLS RATE_PER_S HANDLER PROMPTS_DIR
           cartline-bench-telephony spawn HANDLER SPAWNS

    """

func positiveInteger(_ text: String, _ name: String, max: Int) throws(BenchError) -> Int {
    guard let value = Int(text), (1...max).contains(value) else { throw BenchError("\(name) must be a whole number in 1…\(max), not '\(text)'") }
    return value
}

func runCommand(_ arguments: [String]) async throws {
    switch (arguments.first, arguments.count) {
    case ("load", 8):
        let load = LoadRun(customer: arguments[1], calls: try positiveInteger(arguments[2], "CALLS", max: 2_000),
                           ratePerSecond: try positiveInteger(arguments[3], "RATE_PER_S", max: 1_000),
                           measureSeconds: try positiveInteger(arguments[4], "MEASURE_S", max: 600),
                           profileSeconds: Int(arguments[5]) ?? 0, handler: arguments[6], prompts: arguments[7])
        try await load.run()
    case ("setup", 7):
        let setup = SetupLatencyRun(databaseURL: arguments[1], customer: arguments[2],
                                    calls: try positiveInteger(arguments[3], "CALLS", max: 2_000),
                                    ratePerSecond: try positiveInteger(arguments[4], "RATE_PER_S", max: 1_000),
                                    handler: arguments[5], prompts: arguments[6])
        try await setup.run()
    case ("spawn", 3):
        let spawn = SpawnRun(handler: arguments[1], spawns: try positiveInteger(arguments[2], "SPAWNS", max: 100_000))
        try await spawn.run()
    default:
        throw BenchError(usage)
    }
}

_ = benchStarted  // a global outside main.swift is set on first use: start its clock now
do {
    try await runCommand(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("cartline-bench-telephony: \(error)\n".utf8))
    exit(2)
}
