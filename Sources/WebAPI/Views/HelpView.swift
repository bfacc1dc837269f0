import Domain
import Engine
import Foundation

/// The answer to the help action and the click-to-call link.
struct HelpView: Encodable, Sendable {
    let action: String
    let reason: String?
    let callbackAt: Date?
    let call: CallView?

    /// `call` is the requested call's state as it is now (a cart keeps its one call).
    init(_ outcome: EngagementSaga.HelpOutcome, call state: CallState?) {
        switch outcome {
        case .call(let call):
            (action, reason, callbackAt, self.call) = ("call", nil, nil, CallView(call, state: state ?? CallView.justRequested(call)))
        case .callback(let at, let why):
            (action, reason, callbackAt, self.call) = ("callback", why, at, nil)
        case .explain(let why):
            (action, reason, callbackAt, self.call) = ("explain", why, nil, nil)
        }
    }
}
