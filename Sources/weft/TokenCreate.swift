import ArgumentParser
import Foundation
import WeftServer
import WeftWire

/// `weft token create`: prints a signed, scoped, expiring token as the last line of stdout.
struct TokenCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Print a token for one document, signed with the relay's secret.",
        discussion: """
            The secret lives in DIR/secret (mode 0600) and is created on first use. Anyone holding \
            the token can use the document until it expires, so pass it on privately. The token is \
            the last line of standard output; a description goes to standard error.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The relay's data directory.", valueName: "DIR"))
    var data: String

    @Option(name: .long, help: ArgumentHelp("The document the token opens.", valueName: "NAME"))
    var doc: String

    @Flag(name: .long, help: "Allow reading only: the relay refuses every write made with this token.")
    var readOnly = false

    @Option(name: .long, help: ArgumentHelp("How long the token is valid: a number and s, m, h or d (at most 366d).", valueName: "DURATION"))
    var ttl = TimeToLive(argument: "24h")!

    func validate() throws {
        do {
            _ = try DocumentName(doc)
        } catch {
            throw ValidationError("--doc: \(error.message)")
        }
    }

    func run() throws {
        let document = try DocumentName(doc)
        let secret: [UInt8]
        do {
            secret = try ServerSecret.loadOrCreate(in: URL(fileURLWithPath: data))
        } catch {
            throw ValidationError("\(error)")
        }
        let now = UInt64(Date().timeIntervalSince1970)
        let claims = AccessToken(document: document, scope: readOnly ? .read : .readWrite, issuedAt: now, expiresAt: now + ttl.seconds)
        let token = TokenSigner(secret: secret).sign(claims)
        let expiry = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(claims.expiresAt)))
        FileHandle.standardError.write(Data("\(claims.scope) token for \(document), valid until \(expiry):\n".utf8))
        print(token)
    }
}
