import Crypto
import Foundation

/// A 256-bit secret as Sendable bytes (swift-crypto's `SymmetricKey` is not Sendable here);
/// `symmetric` makes the key where it is used.
public struct SecretKey: Sendable, Equatable {
    public static let byteCount = 32
    let bytes: Data

    /// From base64 (what `openssl rand -base64 32` prints); nil unless exactly 32 bytes.
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64), data.count == Self.byteCount else { return nil }
        self.bytes = data
    }

    public init(randomly: Void = ()) {
        self.bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }

    public var symmetric: SymmetricKey { SymmetricKey(data: bytes) }
    public var base64: String { bytes.base64EncodedString() }
}
