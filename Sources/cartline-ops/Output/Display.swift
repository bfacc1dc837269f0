import Foundation

/// How values look in the human (non `--json`) output.
enum Display {
    static let dateStyle = Date.ISO8601FormatStyle()

    static func date(_ date: Date?) -> String { date.map { $0.formatted(dateStyle) } ?? "-" }
    static func id(_ id: UUID?) -> String { id.map { $0.uuidString.lowercased() } ?? "-" }
    /// `text` with control characters (line breaks, terminal escapes) shown as spaces: what the
    /// node reports may come from a call handler and must not redraw the operator's terminal.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    static func number(_ value: (some BinaryInteger)?) -> String { value.map { "\($0)" } ?? "-" }

    static func status(_ status: PoolStatusReply) -> String {
        var summary = "node \(printable(status.node)): \(printable(status.state)), \(status.maxChannels) channels (\(status.busy) busy, \(status.free) free, "
            + "\(status.failed) failed), handler \(printable(status.handler)), \(status.handlerRestarts) handler restarts"
        if let warm = status.warmHandlers {
            summary += ", warm handlers \(warm.ready)/\(warm.target) ready (\(warm.restarts) restarts"
            summary += warm.failedUntil.map { ", failing until \(date($0)))" } ?? ")"
        }
        var channels = TextTable("CHANNEL", "STATE", "CALL", "PID", "SINCE")
        for channel in status.channels {
            channels.add("\(channel.number)", channel.state, id(channel.callId), number(channel.handlerPid), date(channel.since))
        }
        var text = summary + "\n\n" + channels.text
        if status.lastExits.isEmpty {
            text += "\n\nno handler exits yet"
        } else {
            var exits = TextTable("PID", "CHANNEL", "CALL", "STATUS", "AT")
            for exit in status.lastExits {
                exits.add("\(exit.pid)", number(exit.channel), id(exit.callId), exit.status, date(exit.at))
            }
            text += "\n\nlast handler exits:\n" + exits.text
        }
        return text
    }

    static func calls(_ reply: CallsReply) -> String {
        guard !reply.calls.isEmpty else { return "no live calls" }
        var table = TextTable("CALL", "CHANNEL", "PHASE", "MODE", "PID", "STARTED", "ANSWERED")
        for call in reply.calls {
            table.add(id(call.callId), "\(call.channel)", call.phase, call.mode, number(call.handlerPid), date(call.startedAt), date(call.answeredAt))
        }
        return table.text
    }

    /// One event per line in fixed-width columns (a stream cannot be aligned after the fact).
    static func event(_ event: OpsEventReply) -> String {
        let at = event.at.formatted(OpsReplyDecoder.withMilliseconds)
        let kind = printable(event.kind).padding(toLength: max(event.kind.count, 18), withPad: " ", startingAt: 0)
        let call = id(event.callId).padding(toLength: 36, withPad: " ", startingAt: 0)
        let channel = (event.channel.map { "ch \($0)" } ?? "-").padding(toLength: 6, withPad: " ", startingAt: 0)
        return "\(at)  \(kind)  \(call)  \(channel)  \(printable(event.detail))"
    }
}
