import Crypto
import Foundation
import WeftCRDT
import WeftWire

/// Signs and checks access tokens with the relay's secret (HMAC-SHA256).
///
/// Format: `weft1.` + base64url(claims) + `.` + base64url(HMAC-SHA256(secret, "weft1." + claims)),
/// where claims are: `u8` version 1, `string` document, `u8` scope, `u64` issued-at, `u64`
/// expires-at (seconds since 1970, little-endian), `u64` random nonce. No padding in base64url.
/// A token naming a user has version 2: the same claims, then `string` user and `u64` colour
/// (0xRRGGBB, or 2^64 − 1 for none). Version 1 tokens stay valid and name nobody.
public struct TokenSigner: Sendable {
    /// The secret's bytes (SymmetricKey is not Sendable; making one per use costs nanoseconds).
    private let secret: [UInt8]
    static let prefix = "weft1."
    /// The colour field of a version 2 token naming no colour.
    static let noColour = UInt64.max

    /// - Parameter secret: at least 32 bytes.
    public init(secret: [UInt8]) {
        precondition(secret.count >= 32, "a token secret has at least 32 bytes")
        self.secret = secret
    }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// A token for `claims`.
    public func sign(_ claims: AccessToken) -> String {
        var writer = ByteWriter()
        writer.byte(claims.user == nil ? 1 : 2)
        writer.string(claims.document.rawValue)
        writer.byte(claims.scope.rawValue)
        writer.uint64(claims.issuedAt)
        writer.uint64(claims.expiresAt)
        var random = SystemRandomNumberGenerator()
        writer.uint64(random.next())
        if let user = claims.user {
            writer.string(user)
            writer.uint64(claims.colour.map(UInt64.init) ?? Self.noColour)
        }
        let body = Self.prefix + Self.base64url(writer.bytes)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: key)
        return body + "." + Self.base64url(Array(mac))
    }

    /// Checks `token` for `document` at time `now` (seconds since 1970); with `document` nil, for
    /// whichever document it names (a listing shows that one).
    /// - Returns: the claims, when the signature, document and validity window all hold.
    /// - Throws: `TokenError`, saying which check failed.
    public func verify(_ token: String, for document: DocumentName?, now: UInt64) throws(TokenError) -> AccessToken {
        guard token.hasPrefix(Self.prefix), let dot = token.lastIndex(of: "."), dot > token.index(token.startIndex, offsetBy: Self.prefix.count - 1)
        else { throw .malformed }
        let body = String(token[..<dot])
        guard let claimBytes = Self.unbase64url(String(body.dropFirst(Self.prefix.count))),
              let mac = Self.unbase64url(String(token[token.index(after: dot)...]))
        else { throw .malformed }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(body.utf8), using: key) else { throw .badSignature }
        var reader = ByteReader(claimBytes)
        let claims: AccessToken
        do {
            let version = try reader.byte()
            guard version == 1 || version == 2 else { throw TokenError.malformed }
            let name = try reader.string()
            guard let scope = AccessScope(rawValue: try reader.byte()) else { throw TokenError.malformed }
            let issuedAt = try reader.uint64()
            let expiresAt = try reader.uint64()
            _ = try reader.uint64()
            var user: String?, colour: UInt32?
            if version == 2 {
                user = try reader.string()
                let raw = try reader.uint64()
                guard raw == Self.noColour || raw <= 0xFF_FFFF else { throw TokenError.malformed }
                colour = raw == Self.noColour ? nil : UInt32(raw)
            }
            try reader.expectEnd()
            claims = AccessToken(document: try DocumentName(name), scope: scope, issuedAt: issuedAt, expiresAt: expiresAt,
                                 user: user, colour: colour)
        } catch {
            throw .malformed
        }
        if let document, claims.document != document { throw .wrongDocument(document.rawValue, claims.document.rawValue) }
        guard now < claims.expiresAt else { throw .expired }
        // A little slack for clocks that disagree between the machine that made it and this one.
        guard claims.issuedAt <= now + 300 else { throw .notYetValid }
        return claims
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64url(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= WireLimits.maxTokenBytes,
              text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }
}
