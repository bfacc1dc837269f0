#if canImport(Glibc)
import Glibc
#endif

// cartline-plugin-host /path/plugin.so [args]
// Loads a call-handler shared library and runs its entry point
//     int cartline_handler_main(int input_fd, int output_fd);
// on stdin (0) and stdout (1); exits with its return value (docs/call-handler-protocol.md §7).
// Exit 2 when the library or the symbol is missing.

typealias HandlerMain = @convention(c) (Int32, Int32) -> Int32

func fail(_ message: String) -> Never {
    let text = "cartline-plugin-host: \(message)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail("usage: cartline-plugin-host /path/plugin.so [args]") }
let path = arguments[1]
guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
    fail("cannot load \(path): \(dlerror().map { String(cString: $0) } ?? "unknown error")")
}
guard let symbol = dlsym(library, "cartline_handler_main") else {
    fail("\(path) has no symbol cartline_handler_main")
}
// A plugin sees EPIPE on a closed channel instead of being killed by SIGPIPE.
signal(SIGPIPE, SIG_IGN)
let handlerMain = unsafeBitCast(symbol, to: HandlerMain.self)
exit(handlerMain(0, 1))
