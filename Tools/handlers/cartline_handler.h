/* cartline_handler.h: the entry point of a call handler built as a shared library.
 *
 * cartline-plugin-host /path/plugin.so [args] loads the library with dlopen(RTLD_NOW),
 * looks up cartline_handler_main, calls it once with the descriptors of the call-handler
 * protocol (docs/call-handler-protocol.md) and exits with its return value (0..255).
 *
 * - input_fd: read the header, then replies (200/510/511/520) and events (800) from it.
 * - output_fd: write one command per line to it.
 * - Both are blocking pipes. SIGPIPE is ignored: a write to a gone channel fails with EPIPE.
 * - The plugin runs in its own process (the host), in the call's process group: it may block,
 *   crash or call exit() without harming the node. On hangup it receives SIGHUP, then
 *   SIGTERM, then SIGKILL.
 * - argc/argv after the library path are not passed; read environment variables instead.
 */
#ifndef CARTLINE_HANDLER_H
#define CARTLINE_HANDLER_H

#define CARTLINE_HANDLER_PROTOCOL 1
#define CARTLINE_HANDLER_MAX_LINE 1024

#ifdef __cplusplus
extern "C" {
#endif

/* Runs one call; returns the process exit status (0 = handled normally). */
int cartline_handler_main(int input_fd, int output_fd);

#ifdef __cplusplus
}
#endif

#endif /* CARTLINE_HANDLER_H */
