import Foundation
import Hummingbird
import Logging
import NIOCore
import WeftWire

/// `GET /history/NAME?after=N`: a page of the document's whole history (PROTOCOL.md, "History"),
/// read-only, checked against the same token rules as a WebSocket hello (token in
/// `Authorization: Bearer TOKEN`). Clients build blame, logs and past versions from it.
struct HistoryEndpoint: Sendable {
    let store: any RelayStore
    /// Where damage found in a history is kept for `/healthz`.
    let rooms: RoomRegistry
    let access: AccessCheck
    let logger: Logger

    /// The path's prefix; the rest is the document's name.
    static let prefix = "history"

    func answer(_ request: Request, name: String) async -> Response {
        let document: DocumentName
        do {
            document = try DocumentName(name)
        } catch {
            return Response.plainText(.badRequest, "bad-name: \(error.message)")
        }
        let query = request.uri.queryParameters
        guard let after = UInt64(query["after"].map(String.init) ?? "0") else {
            return Response.plainText(.badRequest, "malformed: after= takes a server sequence (a whole number)")
        }
        let token = request.bearerToken
        do {
            _ = try access.check(token: token, for: document, userName: "", now: UInt64(Date().timeIntervalSince1970))
        } catch {
            return Response.plainText(.unauthorized, "unauthorized: \(error.message)")
        }
        do {
            let limit = HistoryPage.maxEntries
            let (floor, entries) = try await store.history(of: document, after: after, limit: limit + 1)
            let page = HistoryPage(floor: floor, more: entries.count > limit, entries: Array(entries.prefix(limit)))
            if after == 0 { await rooms.noteHistory(of: document, damage: nil) }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"],
                            body: .init(byteBuffer: ByteBuffer(bytes: page.encoded())))
        } catch let damage as HistoryDamaged {
            await rooms.noteHistory(of: document, damage: damage.description)
            logger.error("a document's stored history is damaged", metadata: ["document": "\(document)", "error": "\(damage)"])
            return Response.plainText(.internalServerError, "damaged: in the relay's history of \(document), \(damage); it serves none of it until its operator restores the relay's data from a backup")
        } catch {
            logger.error("could not read a document's history", metadata: ["document": "\(document)", "error": "\(error)"])
            return Response.plainText(.serviceUnavailable, "unavailable: the relay cannot read this document's history now; try again later")
        }
    }
}
