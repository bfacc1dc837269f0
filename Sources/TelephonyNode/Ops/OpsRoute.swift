import HTTPTypes

/// The ops API's route list: the router is built from it and 405 answers (`Allow`) read it.
enum OpsRoute: CaseIterable {
    case status, calls, drain, resume, hangUp, restartHandlers, events

    var method: HTTPRequest.Method {
        switch self {
        case .status, .calls, .events: .get
        case .drain, .resume, .hangUp, .restartHandlers: .post
        }
    }

    /// Template with `{name}` parameters.
    var path: String {
        switch self {
        case .status: "/ops/v1/status"
        case .calls: "/ops/v1/calls"
        case .drain: "/ops/v1/drain"
        case .resume: "/ops/v1/resume"
        case .hangUp: "/ops/v1/calls/{callId}/hangup"
        case .restartHandlers: "/ops/v1/handlers/restart"
        case .events: "/ops/v1/events"
        }
    }

    /// Methods of the routes whose template matches `path`.
    static func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return allCases.filter { route in
            let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return template.count == segments.count && zip(template, segments).allSatisfy { pattern, actual in
                (pattern.hasPrefix("{") && !actual.isEmpty) || pattern == actual
            }
        }.map(\.method)
    }
}
