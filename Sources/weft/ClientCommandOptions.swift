import ArgumentParser
import Foundation
import WeftEditor
import WeftSync

/// What every command that talks to a relay takes.
struct ClientCommandOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The document: ws[s]://HOST:PORT/NAME, or NAME on the default server ($WEFT_SERVER, else ws://127.0.0.1:7878).", valueName: "DOCUMENT"))
    var document: String

    @Option(help: ArgumentHelp("Access token (else $WEFT_TOKEN, else the credentials file in the config directory).", valueName: "TOKEN"))
    var token: String?

    @Option(help: ArgumentHelp("PEM certificates to trust for wss:// (a private CA).", valueName: "FILE"))
    var caFile: String?

    @Option(help: "Seconds to wait for the relay before giving up (queued edits stay queued).")
    var timeout: Double = 30

    var timeoutDuration: Duration { .milliseconds(Int(max(0.1, timeout) * 1000)) }

    /// Opens the document's session (files locked, cache loaded), runs `body` with it, then
    /// reports the session's notices on stderr and closes it, whether `body` succeeded or not.
    /// Failures print `weft COMMAND: reason` and exit with the documented code.
    /// - Parameter throwawayIfLocked: when another weft has the document open, use a temporary
    ///   copy (removed afterwards) instead of failing.
    func withSession(_ command: String, readOnly: Bool = false, throwawayIfLocked: Bool = false,
                     _ body: (DocumentSession) async throws -> Void) async throws {
        var scratch: URL?
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        do {
            var home = ClientHome.fromEnvironment()
            let config = try UserConfig.load(home: home)
            let address = try DocumentAddress(parsing: document, defaultServer: DocumentAddress.defaultServer(configured: config.server))
            let token = try Credentials.token(for: address, explicit: token, home: home)
            if throwawayIfLocked, DocumentFiles.isLocked(home.directory(for: address)) {
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
                scratch = directory
                home = ClientHome(data: directory, config: home.config)
            }
            let session = try DocumentSession(address: address, home: home,
                                              options: config.sessionOptions(token: token, readOnly: readOnly, caFile: caFile))
            let outcome: Result<Void, any Error>
            do {
                try await body(session)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            // A notice that only says what the command's own error is about to say is left out.
            var failure: String?
            if case .failure(let error as SyncError) = outcome { failure = error.description }
            for notice in await session.notices where !(failure.map { !$0.isEmpty && notice.contains($0) } ?? false) {
                FileHandle.standardError.write(Data("weft: \(notice)\n".utf8))
            }
            let setAside = await session.setAside
            await session.close()
            try outcome.get()
            // Synced, but not everything typed made it: a script must not take that for success.
            if let first = setAside.first {
                throw SyncError(.refused, "the relay refused an edit; this copy as it was is saved in \(first.path)")
            }
        } catch let error as SyncError {
            FileHandle.standardError.write(Data("weft \(command): \(error)\n".utf8))
            throw ExitCode(Self.exitCode(for: error))
        }
    }

    /// Exit codes (README): 1 not in sync before the timeout, 2 refused by the relay, 3 a local problem.
    static func exitCode(for error: SyncError) -> Int32 {
        switch error.kind {
        case .timeout: 1
        case .refused: 2
        case .locked, .io, .configuration: 3
        }
    }
}
