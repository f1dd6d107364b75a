import Foundation
import NIOHTTP1
import WeftWire

/// Which documents a relay holds, and deleting and renaming them, over its `/documents`
/// endpoints (PROTOCOL.md, "Documents"), with the token the document commands use.
public enum RelayDocuments {
    /// Every document on the relay of `server` that `token` may see (with a token for one
    /// document, that one; with none on a relay that needs none, all).
    /// - Throws: `SyncError`: `.refused` or `.forbidden` with the relay's words, `.timeout`.
    public static func list(on server: DocumentAddress, token: String, caFile: URL?, timeout: Duration) async throws(SyncError) -> [DocumentInfo] {
        let answer = try await RelayHTTP.request(.GET, "/documents", on: server, token: token, caFile: caFile, timeout: timeout,
                                                 what: "its documents")
        try check(answer, doing: "list the documents of \(server.server)", document: nil)
        do {
            return try JSONDecoder().decode(DocumentInfoList.self, from: Data(answer.body)).documents
        } catch {
            throw SyncError(.refused, "the relay at \(server.server) sent a list of documents this weft cannot read; is it a relay of another version?")
        }
    }

    /// Whether the relay has `address`'s document: nil when it cannot say (a relay of an earlier
    /// version, one that does not answer, or a token that may not ask).
    public static func exists(_ address: DocumentAddress, token: String, caFile: URL?, timeout: Duration) async -> Bool? {
        guard let answer = try? await RelayHTTP.request(.GET, "/documents/\(address.name)", on: address, token: token, caFile: caFile,
                                                        timeout: timeout, what: "\(address.name)") else { return nil }
        if answer.status == 200 { return true }
        return isMissing(answer) ? false : nil
    }

    /// Deletes `address`'s document on its relay.
    /// - Throws: `SyncError`: `.missing`, `.forbidden` (read-only token, or one for another
    ///   document), `.refused`, `.timeout`.
    public static func delete(_ address: DocumentAddress, token: String, caFile: URL?, timeout: Duration) async throws(SyncError) {
        let answer = try await RelayHTTP.request(.DELETE, "/documents/\(address.name)", on: address, token: token, caFile: caFile,
                                                 timeout: timeout, what: "deleting \(address.name)")
        try check(answer, doing: "delete \(address.name)", document: address)
    }

    /// Renames `address`'s document to `newName` on its relay, keeping its text and history.
    /// - Throws: `SyncError`: `.missing`, `.exists` (a document has `newName`), `.forbidden`,
    ///   `.refused`, `.timeout`.
    public static func rename(_ address: DocumentAddress, to newName: DocumentName, token: String, caFile: URL?,
                              timeout: Duration) async throws(SyncError) {
        let answer = try await RelayHTTP.request(.POST, "/documents/\(address.name)?to=\(newName)", on: address, token: token,
                                                 caFile: caFile, timeout: timeout, what: "renaming \(address.name)")
        try check(answer, doing: "rename \(address.name)", document: address)
    }

    /// The message for a missing document, pointing at `weft ls`.
    public static func missingMessage(_ address: DocumentAddress) -> String {
        "no document named \"\(address.name)\" on \(address.server); weft ls lists the documents there"
    }

    /// A `404` from the documents endpoint itself (not from a relay that has none).
    private static func isMissing(_ answer: (status: UInt, body: [UInt8])) -> Bool {
        answer.status == 404 && RelayHTTP.words(answer.body).hasPrefix("no-document:")
    }

    private static func check(_ answer: (status: UInt, body: [UInt8]), doing what: String, document: DocumentAddress?) throws(SyncError) {
        let words = RelayHTTP.words(answer.body)
        // The relay's words start with a code ("read-only: …"); the person reads the rest.
        let reason = words.firstRange(of: ": ").map { String(words[$0.upperBound...]) } ?? words
        switch answer.status {
        case 200: return
        case 401, 403: throw SyncError(.forbidden, "the relay does not let this token \(what): \(reason)")
        case 404 where isMissing(answer): throw SyncError(.missing, document.map(missingMessage) ?? reason)
        case 404: throw SyncError(.refused, "the relay at \(document?.server ?? "this address") cannot \(what): it does not serve /documents (a relay of an earlier version?)")
        case 409: throw SyncError(.exists, "cannot \(what): \(reason)")
        case 503: throw SyncError(.timeout, "the relay cannot \(what) now: \(reason)")
        default: throw SyncError(.refused, "the relay refused to \(what) (HTTP \(answer.status)): \(reason)")
        }
    }
}
