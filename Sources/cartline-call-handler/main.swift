#if canImport(Glibc)
import Glibc
#endif

// cartline-call-handler: the default call handler (docs/call-handler-protocol.md).
// A broken pipe or EOF means the call is gone: exit 0 quietly.
signal(SIGPIPE, SIG_IGN)
var reader = LineReader(descriptor: 0)
guard CallHeader.read(from: &reader) != nil else { exit(0) }
var flow = CallFlow(client: CommandClient(reader: reader))
do {
    try flow.run()
} catch {
    // .closed or .channelGone: nothing more to do.
}
exit(0)
