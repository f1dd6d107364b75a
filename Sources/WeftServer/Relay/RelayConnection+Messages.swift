import WeftWire

/// What a connection does with each message, apart from the WebSocket that carries them: the
/// connection feeds it decoded messages, and so do tests that drive the relay's message path
/// without a network.
extension RelayConnection {
    /// The hello that opens a connection on `path`: the first message must be a hello for the
    /// document the path names. A bad name is refused before the message is even decoded.
    /// - Parameter first: decodes the connection's first message.
    /// - Throws: `WireError` to send (fatal).
    static func openingHello(path: String, decoding first: () throws(WireError) -> ClientMessage) throws(WireError) -> Hello {
        let name = try DocumentName(String(path.drop { $0 == "/" }.prefix { $0 != "?" }))
        guard case .hello(let hello) = try first() else {
            throw WireError(.malformed, "the first message must be hello")
        }
        guard hello.document == name else {
            throw WireError(.malformed, "hello names document \(hello.document) on the connection for \(name)")
        }
        return hello
    }

    /// What `hello`'s token allows (read-only or not, whom its batches are recorded under), as
    /// `check` decides for every connection and history request.
    /// - Throws: `WireError` `unauthorized` (fatal).
    static func grant(for hello: Hello, check: AccessCheck, now: UInt64) throws(WireError) -> AccessCheck.Grant {
        try check.check(token: hello.token, for: hello.document, userName: hello.userName, now: now)
    }

    /// Takes one message from connection `id`, joined to `room`: a batch or restore batch goes to
    /// the room, presence to the others; a read-only connection's batch is answered with a
    /// non-fatal `read-only` error in its outbox.
    /// - Parameter verifiedUser: the user the connection's token names: its presence shows that
    ///   name, whatever name the client put in it (a token holder cannot appear as another).
    /// - Throws: `WireError` to send (fatal): a second hello, or the room's refusal of a batch.
    static func take(_ message: ClientMessage, from id: UInt64, room: DocumentRoom, readOnly: Bool, outbox: Outbox,
                     metrics: RelayMetrics, arrived: ContinuousClock.Instant, verifiedUser: String? = nil) async throws(WireError) {
        switch message {
        case .hello:
            throw WireError(.malformed, "hello was already sent on this connection")
        case .batch(let clientSeq, let ops), .restore(let clientSeq, let ops):
            if readOnly {
                metrics.rejected(.readOnly)
                outbox.send(.error(WireError(.readOnly, "this connection is read-only; batch \(clientSeq) was not applied"), fatal: false))
                return
            }
            var restoring = false
            if case .restore = message { restoring = true }
            if let error = await room.submit(from: id, clientSeq: clientSeq, ops: ops, restoring: restoring, arrived: arrived) { throw error }
        case .presence(var presence):
            if let verifiedUser { presence.userName = verifiedUser }
            await room.presence(from: id, presence)
        }
    }
}
