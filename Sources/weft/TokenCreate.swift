import ArgumentParser
import Foundation
import Logging
import WeftServer
import WeftWire

/// `weft token create`: prints a signed, scoped, expiring token as the last line of stdout.
struct TokenCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Print a token for one document, signed with the relay's secret.",
        discussion: """
            The secret lives in DIR/secret (mode 0600), or with --store in the PostgreSQL database \
            the relays share, and is created on first use. Anyone holding \
            the token can use the document until it expires, so pass it on privately. The token is \
            the last line of standard output; a description goes to standard error.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The relay's data directory.", valueName: "DIR"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("The PostgreSQL database relays share (as given to weft serve --store).", valueName: "URL"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("The document the token opens.", valueName: "NAME"))
    var doc: String

    @Flag(name: .long, help: "Allow reading only: the relay refuses every write made with this token.")
    var readOnly = false

    @Option(name: .long, help: ArgumentHelp("How long the token is valid: a number and s, m, h or d (at most 366d).", valueName: "DURATION"))
    var ttl = TimeToLive(argument: "24h")!

    func validate() throws {
        guard (data == nil) != (store == nil) else { throw ValidationError("give the relay's --data DIR, or the --store URL relays share (one of them)") }
        do {
            _ = try DocumentName(doc)
        } catch {
            throw ValidationError("--doc: \(error.message)")
        }
    }

    func run() async throws {
        let document = try DocumentName(doc)
        let secret: [UInt8]
        do {
            if let data {
                // A mistyped --data would otherwise get a secret of its own, and a token no relay takes.
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw RelayStartError("\(data) is not a relay's data directory (it does not exist): give the --data of the relay that will check the token; `weft serve` makes it when it first starts")
                }
                secret = try ServerSecret.loadOrCreate(in: URL(fileURLWithPath: data))
            } else {
                secret = try await Self.sharedSecret(store ?? "")
            }
        } catch {
            // A problem with the files or the database, not with the command line: no usage text.
            FileHandle.standardError.write(Data("weft token create: \(error)\n".utf8))
            throw ExitCode(3)
        }
        let now = UInt64(Date().timeIntervalSince1970)
        let claims = AccessToken(document: document, scope: readOnly ? .read : .readWrite, issuedAt: now, expiresAt: now + ttl.seconds)
        let token = TokenSigner(secret: secret).sign(claims)
        let expiry = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(claims.expiresAt)))
        FileHandle.standardError.write(Data("\(claims.scope) token for \(document), valid until \(expiry):\n".utf8))
        print(token)
    }

    /// The secret from the shared database, giving up after 10 s rather than waiting for it.
    private static func sharedSecret(_ url: String) async throws -> [UInt8] {
        let location = try PostgresLocation(parsing: url)
        var logger = Logger(label: "weft.token")
        logger.logLevel = .critical
        let store = PostgresStore(location: location, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.runPool() }
            defer { group.cancelAll() }
            do {
                return try await PostgresStore.withTimeout(.seconds(10)) {
                    try await store.probe()
                    return try await store.sharedSecret()
                }
            } catch {
                throw ValidationError("cannot read the shared secret from \(location): \(PostgresStore.describe(error))")
            }
        }
    }
}
