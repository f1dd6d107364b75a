import ArgumentParser
import Foundation
import WeftServer
import WeftWire

/// `weft token revoke`: refuses a user's tokens from now on, without changing the relay's secret.
struct TokenRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Refuse every token made so far for a user (of one document, or of all).",
        discussion: """
            Recorded in the relay's store (DIR/relay.sqlite, or the PostgreSQL database relays \
            share). Relays read revocations every second: connections open with a revoked token are \
            refused at their next message, new ones at hello. Tokens made for the user after the \
            revocation work; other users' tokens are untouched.
            """
    )

    @OptionGroup var relay: RelayStoreAccess

    @Option(name: .long, help: ArgumentHelp("The user whose tokens are refused (as given to token create --user).", valueName: "NAME"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Only this document's tokens (default: every document's).", valueName: "NAME"))
    var doc: String?

    func validate() throws {
        guard !user.isEmpty else { throw ValidationError("--user: give a name") }
        if let doc {
            do { _ = try DocumentName(doc) } catch { throw ValidationError("--doc: \(error.message)") }
        }
    }

    func run() async throws {
        let revocation = TokenRevocation(user: user, document: try doc.map { try DocumentName($0) },
                                         revokedAt: UInt64(Date().timeIntervalSince1970))
        try await relay.withStore { store in try await store.revoke(revocation) }
        FileHandle.standardError.write(Data("revoked every token of \(user) for \(doc ?? "every document") made until now\n".utf8))
    }
}
