import ArgumentParser

/// `--output FILE`: where a command writes (standard output when absent).
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("output"), help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var path: String?

    func sink() throws(FinanceFailure) -> OutputSink {
        if let path { try OutputSink(path: path) } else { OutputSink.standardOutput() }
    }
}
