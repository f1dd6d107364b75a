import Foundation
import Hummingbird
import Logging
import NIOCore
import WeftWire

/// `/documents`: which documents the relay holds, and deleting and renaming them (PROTOCOL.md,
/// "Documents"). Tokens are checked as for a hello: a token sees and changes only its own
/// document, a read-only one changes nothing; with no token, a relay that needs none shows and
/// changes everything (a relay on loopback without `--require-auth`).
struct DocumentsEndpoint: Sendable {
    let store: any RelayStore
    let rooms: RoomRegistry
    let access: AccessCheck
    let logger: Logger

    /// The path's prefix; after it, a document's name.
    static let prefix = "documents"

    /// `GET /documents`: every document the token may see.
    func list(_ request: Request) async -> Response {
        let grant: AccessCheck.Grant
        do {
            grant = try access.check(token: request.bearerToken, for: nil, userName: "", now: Self.now)
        } catch {
            return Response.plainText(.unauthorized, "unauthorized: \(error.message)")
        }
        do {
            let summaries = try await store.documents(named: grant.claims?.document)
            var listings: [DocumentListing] = []
            for summary in summaries { listings.append(await listing(of: summary)) }
            return Self.json(DocumentList(documents: listings))
        } catch {
            return unavailable(error, "list the documents")
        }
    }

    /// `GET /documents/NAME`: one document, or `404` when there is none of that name.
    func describe(_ request: Request, name: String) async -> Response {
        let document: DocumentName
        switch checked(request, name: name, writing: false) {
        case .refused(let response): return response
        case .allowed(let name): document = name
        }
        do {
            guard let summary = try await store.documents(named: document).first else { return Self.missing(document) }
            return Self.json(await listing(of: summary))
        } catch {
            return unavailable(error, "look up \(document)")
        }
    }

    /// `DELETE /documents/NAME`: deletes it; its open connections are closed with `gone`.
    func delete(_ request: Request, name: String) async -> Response {
        let document: DocumentName
        switch checked(request, name: name, writing: true) {
        case .refused(let response): return response
        case .allowed(let name): document = name
        }
        let farewell = Self.farewell(document, renamedTo: nil)
        do {
            let store = self.store
            guard let epoch = try await rooms.retire([document], farewell: { _ in farewell }, { try await store.delete(document) }) else {
                return Self.missing(document)
            }
            logger.notice("deleted a document", metadata: ["document": "\(document)", "epoch": "\(epoch)"])
            return Response.plainText(.ok, "deleted \(document)")
        } catch {
            return unavailable(error, "delete \(document)")
        }
    }

    /// `POST /documents/NAME?to=NEW`: renames it, unless NEW exists (`409`); its open connections
    /// are closed with `gone`, naming the new name.
    func rename(_ request: Request, name: String) async -> Response {
        let document: DocumentName
        switch checked(request, name: name, writing: true) {
        case .refused(let response): return response
        case .allowed(let name): document = name
        }
        let newName: DocumentName
        do {
            newName = try DocumentName(request.uri.queryParameters["to"].map(String.init) ?? "")
        } catch {
            return Response.plainText(.badRequest, "bad-name: the new name: \(error.message)")
        }
        guard newName != document else { return Response.plainText(.conflict, "exists: \(document) already has that name") }
        let farewell = Self.farewell(document, renamedTo: newName)
        do {
            let store = self.store
            let outcome = try await rooms.retire([document], farewell: { _ in farewell }) {
                try await store.rename(document, to: newName)
            }
            switch outcome {
            case .missing: return Self.missing(document)
            case .targetExists: return Response.plainText(.conflict, "exists: a document named \(newName) exists already; delete or rename it first")
            case .renamed(let epoch):
                logger.notice("renamed a document", metadata: ["document": "\(document)", "to": "\(newName)", "epoch": "\(epoch)"])
                return Response.plainText(.ok, "renamed \(document) to \(newName)")
            }
        } catch {
            return unavailable(error, "rename \(document)")
        }
    }

    /// A document's listing: characters from its open room, else from loading it (kept a moment,
    /// as after a connection).
    private func listing(of summary: DocumentSummary) async -> DocumentListing {
        let here = await rooms.presence(of: summary.name)
        var characters = here?.characters
        if characters == nil { characters = await rooms.characters(of: summary) }
        return DocumentListing(name: summary.name.rawValue, characters: characters ?? 0, changed: summary.changedAt,
                               connections: here?.connections ?? 0, people: here?.names ?? [])
    }

    private enum Checked {
        case allowed(DocumentName)
        case refused(Response)
    }

    /// The name, when it is valid and the request's token may read it (or, `writing`, change it).
    private func checked(_ request: Request, name: String, writing: Bool) -> Checked {
        let document: DocumentName
        do {
            document = try DocumentName(name)
        } catch {
            return .refused(Response.plainText(.badRequest, "bad-name: \(error.message)"))
        }
        do {
            let grant = try access.check(token: request.bearerToken, for: document, userName: "", now: Self.now)
            if writing, grant.readOnly {
                return .refused(Response.plainText(.forbidden, "read-only: this token only reads \(document); deleting or renaming it needs a read-write token"))
            }
        } catch {
            return .refused(Response.plainText(.unauthorized, "unauthorized: \(error.message)"))
        }
        return .allowed(document)
    }

    private func unavailable(_ error: any Error, _ what: String) -> Response {
        logger.error("the store failed a documents request", metadata: ["request": "\(what)", "error": "\(error)"])
        return Response.plainText(.serviceUnavailable, "unavailable: the relay cannot \(what) now; try again later")
    }

    /// What connections to a document deleted or renamed on purpose are told as they are closed.
    static func farewell(_ document: DocumentName, renamedTo newName: DocumentName?) -> WireError {
        if let newName { return WireError(.gone, "\(document) was renamed to \(newName) on the relay; open \(newName)") }
        return WireError(.gone, "\(document) was deleted on the relay; opening it again starts a new, empty document")
    }

    private static var now: UInt64 { UInt64(Date().timeIntervalSince1970) }

    private static func missing(_ document: DocumentName) -> Response {
        Response.plainText(.notFound, "\(missingCode): there is no document named \(document) on this relay")
    }

    /// The first word of a `404` that means "no such document" (any other `404` is a relay that
    /// does not serve `/documents`).
    static let missingCode = "no-document"

    private static func json(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
