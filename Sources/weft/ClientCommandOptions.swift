import ArgumentParser
import Foundation
import WeftClient
import WeftEditor
import WeftSync

/// What every command that talks to a relay takes.
struct ClientCommandOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The document: ws[s]://HOST:PORT/NAME, or NAME on the default server ($WEFT_SERVER, else ws://127.0.0.1:7878).", valueName: "DOCUMENT"))
    var document: String

    @OptionGroup var access: AccessOptions

    @Option(help: "Seconds to wait for the relay before giving up (queued edits stay queued); without it 30, or about 5 when nothing answers at the relay's address at all.")
    var timeout: Double?

    var timeoutDuration: Duration { .milliseconds(Int(max(0.1, timeout ?? 30) * 1000)) }

    /// How long a relay that refuses every connection is tried before giving up: only without
    /// `--timeout`, which says how long to wait whatever happens.
    var refusalGrace: Duration? { timeout == nil ? ClientConnection.defaultRefusalGrace : nil }

    /// The document, token and certificates these options name.
    var connection: ClientConnection {
        ClientConnection(document: document, token: access.token, caFile: access.caFile, timeout: timeoutDuration, refusalGrace: refusalGrace)
    }

    /// ``ClientConnection/withSession(_:readOnly:throwawayIfLocked:_:)``, exiting with the
    /// documented status when it fails.
    func withSession(_ command: String, readOnly: Bool = false, throwawayIfLocked: Bool = false,
                     _ body: (DocumentSession) async throws -> Void) async throws {
        do {
            try await connection.withSession(command, readOnly: readOnly, throwawayIfLocked: throwawayIfLocked, body)
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
    }

    /// ``ClientConnection/replay(_:through:)``, exiting with the documented status when it fails.
    func replay(_ command: String, through serverSeq: UInt64 = .max) async throws -> (address: DocumentAddress, replay: HistoryReplay) {
        do {
            return try await connection.replay(command, through: serverSeq)
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
    }
}
