import Foundation
import HTTPTypes
import Hummingbird
import Telephony

/// The handlers of `OpsRoute`: each asks `OpsControl` and answers JSON.
struct OpsRoutes {
    let control: any OpsControl
    let configuration: OpsAPIConfiguration
    let slots: OpsStreamSlots

    func register(on router: Router<BasicRequestContext>) {
        for route in OpsRoute.allCases {
            // Hummingbird's templates name parameters `:name`.
            let path = route.path.replacingOccurrences(of: "{callId}", with: ":callId")
            router.on(RouterPath(path), method: route.method) { request, context in try await respond(route, to: request, context: context) }
        }
    }

    func respond(_ route: OpsRoute, to request: Request, context: BasicRequestContext) async throws -> Response {
        switch route {
        case .status:
            return try Self.json(await control.status())
        case .calls:
            return try Self.json(CallsReply(calls: await control.liveCalls()))
        case .drain:
            await control.drain()
            return try Self.json(await control.status())
        case .resume:
            await control.resume()
            return try Self.json(await control.status())
        case .hangUp:
            let text = context.parameters.get("callId") ?? ""
            guard let callId = UUID(uuidString: text) else {
                throw OpsProblem.badRequest("'\(text.prefix(80))' is not a call id (a UUID)")
            }
            guard await control.hangUp(callId: callId) else {
                throw OpsProblem.notFound("no live call \(callId.uuidString.lowercased()) on this node")
            }
            return try Self.json(HangUpReply(callId: callId, hangingUp: true), status: .accepted)
        case .restartHandlers:
            return try Self.json(RestartReply(restarted: await control.restartWarmHandlers()))
        case .events:
            return try OpsEventStream.response(to: request, control: control, configuration: configuration, slots: slots)
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try OpsJSON.data(value))))
    }

    /// `GET /ops/v1/calls`
    struct CallsReply: Encodable {
        let calls: [LiveCall]
    }

    /// `POST /ops/v1/calls/{callId}/hangup` (202)
    struct HangUpReply: Encodable {
        let callId: UUID
        let hangingUp: Bool
    }

    /// `POST /ops/v1/handlers/restart`
    struct RestartReply: Encodable {
        let restarted: Int
    }
}
