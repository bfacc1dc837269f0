import Foundation

/// A snapshot of a node's channel pool, as the ops API shows it.
public struct PoolStatus: Codable, Sendable, Equatable {
    /// `running` or `draining` (finishing current calls, taking no new ones).
    public var state: String
    public var node: String
    public var maxChannels: Int
    public var busy: Int
    public var free: Int
    public var failed: Int
    public var handler: String
    public var warmHandlers: WarmHandlersStatus?
    public var channels: [ChannelStatus]
    public var handlerRestarts: Int
    public var lastExits: [HandlerExitRecord]

    public init(state: String, node: String, maxChannels: Int, busy: Int, free: Int, failed: Int, handler: String,
                warmHandlers: WarmHandlersStatus?, channels: [ChannelStatus], handlerRestarts: Int, lastExits: [HandlerExitRecord]) {
        self.state = state; self.node = node; self.maxChannels = maxChannels; self.busy = busy; self.free = free; self.failed = failed
        self.handler = handler; self.warmHandlers = warmHandlers; self.channels = channels
        self.handlerRestarts = handlerRestarts; self.lastExits = lastExits
    }
}

/// One voice channel: idle, busy with a call, or failed (its handler keeps crashing; cooling off).
public struct ChannelStatus: Codable, Sendable, Equatable {
    public var number: Int
    public var state: String
    public var callId: UUID?
    public var handlerPid: Int32?
    public var since: Date?

    public init(number: Int, state: String, callId: UUID?, handlerPid: Int32?, since: Date?) {
        self.number = number; self.state = state; self.callId = callId; self.handlerPid = handlerPid; self.since = since
    }
}

public struct WarmHandlersStatus: Codable, Sendable, Equatable {
    public var target: Int
    public var ready: Int
    public var restarts: Int
    public var failedUntil: Date?

    public init(target: Int, ready: Int, restarts: Int, failedUntil: Date?) {
        self.target = target; self.ready = ready; self.restarts = restarts; self.failedUntil = failedUntil
    }
}

/// How a handler process ended.
public struct HandlerExitRecord: Codable, Sendable, Equatable {
    public var pid: Int32
    public var channel: Int?
    public var callId: UUID?
    /// `exited(0)`, `exited(3)`, `signalled(9)` …
    public var status: String
    public var at: Date

    public init(pid: Int32, channel: Int?, callId: UUID?, status: String, at: Date) {
        self.pid = pid; self.channel = channel; self.callId = callId; self.status = status; self.at = at
    }
}

/// A call on this node now.
public struct LiveCall: Codable, Sendable, Equatable {
    public var callId: UUID
    public var channel: Int
    /// `dialling`, `ringing`, `answered`, `bridged`, `ending`.
    public var phase: String
    public var mode: String
    public var handlerPid: Int32?
    public var startedAt: Date
    public var answeredAt: Date?

    public init(callId: UUID, channel: Int, phase: String, mode: String, handlerPid: Int32?, startedAt: Date, answeredAt: Date?) {
        self.callId = callId; self.channel = channel; self.phase = phase; self.mode = mode
        self.handlerPid = handlerPid; self.startedAt = startedAt; self.answeredAt = answeredAt
    }
}

/// One line of the node's live event tail.
public struct OpsEvent: Codable, Sendable, Equatable {
    public var at: Date
    /// `call-started`, `call-ringing`, `call-answered`, `agent-bridged`, `call-ended`,
    /// `call-failed`, `handler-exited`, `drain`, `resume`, `handlers-restarted` …
    public var kind: String
    public var callId: UUID?
    public var channel: Int?
    public var detail: String

    public init(at: Date, kind: String, callId: UUID?, channel: Int?, detail: String) {
        self.at = at; self.kind = kind; self.callId = callId; self.channel = channel; self.detail = detail
    }
}
