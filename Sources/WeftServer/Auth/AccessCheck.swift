import WeftWire

/// Decides who a connection or a history request is, from its token: the same rules for both,
/// so reading history is never easier than reading the document.
struct AccessCheck: Sendable {
    let signer: TokenSigner
    let requireAuth: Bool
    let revocations: RevocationList

    /// What a checked token allows.
    struct Grant: Sendable {
        /// The token's claims; nil when the relay needs no token and none came.
        var claims: AccessToken?
        /// Reads only (a read-only token).
        var readOnly: Bool
        /// Whom the connection's batches are recorded under: the token's user, verified, else the
        /// name the client gave, unverified; nil when neither names anyone.
        var author: BatchAuthor?
    }

    /// Checks `token` for `document` at `now` (seconds since 1970); with `document` nil, for the
    /// document the token names (the grant's claims say which).
    /// - Parameter userName: the name the client gave (hello), used when the token names nobody.
    /// - Throws: `WireError` `unauthorized`, in words the user can act on.
    func check(token: String, for document: DocumentName?, userName: String, now: UInt64) throws(WireError) -> Grant {
        let unverified = userName.isEmpty ? nil : BatchAuthor(name: userName, verified: false)
        guard requireAuth || !token.isEmpty else { return Grant(claims: nil, readOnly: false, author: unverified) }
        let claims: AccessToken
        do {
            claims = try signer.verify(token, for: document, now: now)
        } catch {
            throw WireError(.unauthorized, token.isEmpty ? "this relay needs a token: ask its owner for one (`weft token create`)" : error.message)
        }
        if revocations.refuses(claims) { throw Self.revoked(claims) }
        return Grant(claims: claims, readOnly: claims.scope == .read,
                     author: claims.user.map { BatchAuthor(name: $0, verified: true) } ?? unverified)
    }

    /// Whether a connection's token still holds at `now`: it may have expired, or been revoked,
    /// since the hello.
    func recheck(_ grant: Grant, now: UInt64) throws(WireError) {
        guard let claims = grant.claims else { return }
        if now >= claims.expiresAt {
            throw WireError(.unauthorized, "the token expired; get a new one (`weft token create`) and connect again")
        }
        if revocations.refuses(claims) { throw Self.revoked(claims) }
    }

    private static func revoked(_ claims: AccessToken) -> WireError {
        WireError(.unauthorized, "the relay's owner revoked the tokens of \(claims.user ?? "this user") for \(claims.document); ask for a new one")
    }
}
