import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Telephony
import TelephonyNode

/// The ops API over an `OpsTestControl`, and the requests the tests send it.
enum OpsTestApp {
    static let token = "ops-test-token-0123456789"

    static func configuration(heartbeat: Duration = .seconds(15), maxEventStreams: Int = 16) throws -> OpsAPIConfiguration {
        try OpsAPIConfiguration(host: "127.0.0.1", port: 0, token: token, heartbeatInterval: heartbeat, maxEventStreams: maxEventStreams)
    }

    static func application(_ control: any OpsControl, heartbeat: Duration = .seconds(15), maxEventStreams: Int = 16)
        throws -> some ApplicationProtocol
    {
        var logger = Logger(label: "ops-test")
        logger.logLevel = .warning
        let api = OpsAPI(control: control, configuration: try configuration(heartbeat: heartbeat, maxEventStreams: maxEventStreams))
        return api.application(logger: logger)
    }

    static func headers(token: String? = OpsTestApp.token) -> HTTPFields {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return headers
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            return try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(try container.decode(String.self))
        }
        return decoder
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] ?? [:]
    }
}
