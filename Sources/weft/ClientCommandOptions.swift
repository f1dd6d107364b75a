import ArgumentParser
import Foundation
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

    /// Opens the document's session (files locked, cache loaded), reporting any notices on stderr.
    func openSession(readOnly: Bool = false, throwawayIfLocked: Bool = false) throws -> DocumentSession {
        var home = ClientHome.fromEnvironment()
        let environment = ProcessInfo.processInfo.environment
        let server = environment["WEFT_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? DocumentAddress.builtInServer
        do {
            let address = try DocumentAddress(parsing: document, defaultServer: server)
            let token = try Credentials.token(for: address, explicit: token, home: home)
            if throwawayIfLocked, DocumentFiles.isLocked(home.directory(for: address)) {
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("weft-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
                home = ClientHome(data: scratch, config: home.config)
            }
            return try DocumentSession(address: address, home: home,
                                       options: SessionOptions(token: token, readOnly: readOnly, caFile: caFile.map { URL(fileURLWithPath: $0) }))
        } catch {
            throw ClientFailure(error)
        }
    }

    var timeoutDuration: Duration { .milliseconds(Int(max(0.1, timeout) * 1000)) }
}

/// A client command failed: prints the reason on stderr and exits with the documented code.
struct ClientFailure: Error, CustomStringConvertible {
    let error: SyncError

    init(_ error: SyncError) { self.error = error }

    var description: String { error.description }

    /// Exit codes (README): 1 not in sync before the timeout, 2 refused by the relay, 3 a local problem.
    var exitCode: Int32 {
        switch error.kind {
        case .timeout: 1
        case .refused: 2
        case .locked, .io, .configuration: 3
        }
    }
}

/// Runs a client command body, turning failures into a message and an exit code.
func runClient(_ name: String, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let failure as ClientFailure {
        FileHandle.standardError.write(Data("weft \(name): \(failure)\n".utf8))
        throw ExitCode(failure.exitCode)
    } catch let error as SyncError {
        FileHandle.standardError.write(Data("weft \(name): \(error)\n".utf8))
        throw ExitCode(ClientFailure(error).exitCode)
    }
}

extension DocumentSession {
    /// Prints the session's notices (damaged files, recovery files, refusals) on stderr.
    func reportNotices(from index: Int = 0) async -> Int {
        let all = await notices
        for notice in all.dropFirst(index) { FileHandle.standardError.write(Data("weft: \(notice)\n".utf8)) }
        return all.count
    }
}
