/// Why an SDP answer cannot be used for a PCMU call.
public enum SDPError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(bytes: Int)
    case notUTF8
    case invalidLine(Int)
    case noAudioStream
    case audioRejected
    case noPCMU
    case invalidPort(String)
    case noConnectionAddress

    public var description: String {
        switch self {
        case .tooLarge(let bytes): "SDP of \(bytes) bytes is too large"
        case .notUTF8: "SDP is not UTF-8"
        case .invalidLine(let line): "SDP line \(line) is not type=value"
        case .noAudioStream: "SDP has no m=audio line"
        case .audioRejected: "SDP answer rejects audio (port 0)"
        case .noPCMU: "SDP answer does not accept PCMU (payload type 0)"
        case .invalidPort(let value): "SDP media port is invalid: \(value.prefix(20))"
        case .noConnectionAddress: "SDP has no c= line for the audio stream"
        }
    }
}
