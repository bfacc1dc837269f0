import HummingbirdCore
import NIOCore

extension HTTPServerBuilder {
    /// HTTP/1.1 as `http1(configuration:)`, each request's head and body to be read within
    /// `requestReadTimeout` of its first byte (see `RequestReadDeadlineHandler`).
    static func http1(configuration: HTTP1Channel.Configuration, requestReadTimeout: TimeAmount) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            HTTP1ChannelWithReadDeadline(http1: HTTP1Channel(responder: responder, configuration: configuration),
                                         requestReadTimeout: requestReadTimeout)
        }
    }
}
