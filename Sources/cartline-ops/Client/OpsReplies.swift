import Foundation

// The ops API's answers as the CLI reads them (mirrors of Telephony's PoolStatus types, which
// the CLI does not link: it is a plain HTTP client). Fields the node adds later are ignored.

struct PoolStatusReply: Decodable {
    let state: String
    let node: String
    let maxChannels: Int
    let busy: Int
    let free: Int
    let failed: Int
    let handler: String
    let warmHandlers: WarmHandlersReply?
    let channels: [ChannelReply]
    let handlerRestarts: Int
    let lastExits: [HandlerExitReply]
}

struct ChannelReply: Decodable {
    let number: Int
    let state: String
    let callId: UUID?
    let handlerPid: Int32?
    let since: Date?
}

struct WarmHandlersReply: Decodable {
    let target: Int
    let ready: Int
    let restarts: Int
    let failedUntil: Date?
}

struct HandlerExitReply: Decodable {
    let pid: Int32
    let channel: Int?
    let callId: UUID?
    let status: String
    let at: Date
}

struct CallsReply: Decodable {
    let calls: [LiveCallReply]
}

struct LiveCallReply: Decodable {
    let callId: UUID
    let channel: Int
    let phase: String
    let mode: String
    let handlerPid: Int32?
    let startedAt: Date
    let answeredAt: Date?
}

struct HangUpReply: Decodable {
    let callId: UUID
    let hangingUp: Bool
}

struct RestartReply: Decodable {
    let restarted: Int
}

struct OpsEventReply: Decodable {
    let at: Date
    let kind: String
    let callId: UUID?
    let channel: Int?
    let detail: String
}

/// RFC 9457 problem body of an error answer.
struct ProblemReply: Decodable {
    let title: String?
    let detail: String?
}

enum OpsReplyDecoder {
    static let withMilliseconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let withoutMilliseconds = Date.ISO8601FormatStyle()

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = (try? withMilliseconds.parse(text)) ?? (try? withoutMilliseconds.parse(text)) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO-8601 date")
        }
        return decoder
    }

    /// `data` as `Reply`, or a failure that says what the node sent.
    static func decode<Reply: Decodable>(_ type: Reply.Type, from data: Data) throws(OpsFailure) -> Reply {
        do {
            return try decoder.decode(type, from: data)
        } catch {
            let sample = String(decoding: data.prefix(200), as: UTF8.self)
            throw .failed("unexpected answer from the node (\(error)): \(sample)")
        }
    }
}
