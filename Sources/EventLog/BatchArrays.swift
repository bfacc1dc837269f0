import Foundation
import PostgresNIO

/// A batch of appends as the columns the batch statements unnest: one entry per event
/// (`$1`…`$8`) and one per append (`$9`…`$11`).
struct BatchArrays: Sendable {
    var eventRequest: [Int32] = [], eventOffset: [Int64] = [], eventStream: [String] = []
    var ids: [UUID] = [], types: [String] = [], schemas: [Int16] = [], data: [String] = [], metadata: [String] = []
    var requestIndex: [Int32] = [], requestStream: [String] = []
    /// -1 any version; otherwise the exact version expected (0: no stream).
    var requestExpected: [Int64] = []
    /// The same, once per event (the light statement checks each event against its append's).
    var eventExpected: [Int64] = []

    init(_ requests: [AppendRequest]) {
        for (index, request) in requests.enumerated() {
            for (offset, event) in request.events.enumerated() {
                eventRequest.append(Int32(index)); eventOffset.append(Int64(offset)); eventStream.append(request.stream.rawValue)
                ids.append(event.id); types.append(event.type); schemas.append(event.schemaVersion)
                data.append(event.data.text); metadata.append(event.metadata.text)
                eventExpected.append(request.expected.boundValue)
            }
            requestIndex.append(Int32(index))
            requestStream.append(request.stream.rawValue)
            requestExpected.append(request.expected.boundValue)
        }
    }

    func bindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(eventRequest)
        bindings.append(eventOffset)
        bindings.append(eventStream)
        bindings.append(ids)
        bindings.append(types)
        bindings.append(schemas)
        bindings.append(data)
        bindings.append(metadata)
        bindings.append(requestIndex)
        bindings.append(requestStream)
        bindings.append(requestExpected)
        return bindings
    }
}

extension ExpectedVersion {
    /// As the statements take it: -1 any version, otherwise the exact version (0: no stream).
    var boundValue: Int64 {
        switch self { case .any: -1; case .noStream: 0; case .exact(let version): version }
    }
}
