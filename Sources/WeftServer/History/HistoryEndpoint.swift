import Foundation
import Hummingbird
import Logging
import NIOCore
import WeftWire

/// `GET /history/NAME?after=N[&through=SEQ][&until=MS]`: a page of the document's whole history, or
/// of its beginning up to a bound (PROTOCOL.md, "History"),
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
            return Response.plainText(.badRequest, "malformed: after= takes a server sequence (a whole number below 2^64)")
        }
        var bound = HistoryBound.none
        if let through = query["through"] {
            guard let seq = UInt64(String(through)) else {
                return Response.plainText(.badRequest, "malformed: through= takes a server sequence (a whole number below 2^64)")
            }
            bound.throughSeq = seq
        }
        if let until = query["until"] {
            guard let time = UInt64(String(until)) else {
                return Response.plainText(.badRequest, "malformed: until= takes a time in milliseconds since 1970 (a whole number below 2^64)")
            }
            bound.untilTime = time
        }
        let token = request.bearerToken
        do {
            _ = try access.check(token: token, for: document, userName: "", now: UInt64(Date().timeIntervalSince1970))
        } catch {
            return Response.plainText(.unauthorized, "unauthorized: \(error.message)")
        }
        do {
            // Through a sequence, no more is read than the page can hold of it; the store's entry
            // past what the page holds says whether more follow.
            var limit = HistoryReadLimit.page
            if let through = bound.throughSeq { limit.entries = through > after ? min(limit.entries, Int(clamping: through - after)) : 0 }
            let (floor, entries) = try await store.history(of: document, after: after, within: limit)
            let kept = min(limit.count(within: entries), bound.count(within: entries))
            let page = HistoryPage(floor: floor, more: entries.count > kept, entries: Array(entries.prefix(kept)))
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
