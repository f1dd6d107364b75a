import Foundation
import WeftEditor
import WeftSync
import WeftWire

/// How a command reaches one document: which document, with which token, trusting which
/// certificates, waiting how long. Every command that talks to a relay resolves the user's
/// config, the address, the token and (when asked) a scratch home the same way, through here.
public struct ClientConnection: Sendable {
    /// `ws[s]://HOST:PORT/NAME`, or a name on the default server.
    public var document: String
    /// The token given on the command line, if any (else `$WEFT_TOKEN`, else the credentials file).
    public var token: String?
    /// PEM certificates to trust for `wss://`.
    public var caFile: String?
    /// How long to wait for the relay before giving up.
    public var timeout: Duration
    /// How long to go on when every connection is refused (nothing listens at the address):
    /// nil waits the whole `timeout`.
    public var refusalGrace: Duration?

    /// What commands without `--timeout` give a relay that refuses every connection: enough for
    /// one starting up or restarting, not the half minute a slow network may need.
    public static let defaultRefusalGrace: Duration = .seconds(5)

    public init(document: String, token: String? = nil, caFile: String? = nil, timeout: Duration = .seconds(30), refusalGrace: Duration? = nil) {
        self.document = document
        self.token = token
        self.caFile = caFile
        self.timeout = timeout
        self.refusalGrace = refusalGrace
    }

    /// The user's config, the document's address and the token to present there.
    public func resolve(in home: ClientHome) throws(SyncError) -> (config: UserConfig, address: DocumentAddress, token: String) {
        let config = try UserConfig.load(home: home)
        let address = try DocumentAddress(parsing: document, defaultServer: DocumentAddress.defaultServer(configured: config.server))
        let token = try Credentials.token(for: address, explicit: token, home: home)
        return (config, address, token)
    }

    /// How messages name `address` for a command line: bare when a bare name means it here (on
    /// `$WEFT_SERVER`, the config's server, or the built-in one), else whole.
    public func commandArgument(for address: DocumentAddress) -> String {
        address.commandArgument(defaultServer: (try? UserConfig.defaultServer(home: .fromEnvironment())) ?? DocumentAddress.defaultServer())
    }

    /// Opens the document's session (files locked, cache loaded), runs `body` with it, then
    /// reports the session's notices on stderr and closes it, whether `body` succeeded or not.
    /// A failure is printed as `weft COMMAND: reason` and thrown as a ``CommandFailure`` with the
    /// documented exit status.
    /// - Parameter throwawayIfLocked: when another weft has the document open, use a temporary
    ///   copy (removed afterwards) instead of failing.
    public func withSession(_ command: String, readOnly: Bool = false, throwawayIfLocked: Bool = false,
                            _ body: (DocumentSession) async throws -> Void) async throws {
        var scratch: URL?
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        do {
            var home = ClientHome.fromEnvironment()
            let (config, address, token) = try resolve(in: home)
            try EmbeddedRelay.replaceIfOlder(for: address)
            if throwawayIfLocked, DocumentFiles.isLocked(home.directory(for: address)) {
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
                scratch = directory
                home = ClientHome(data: directory, config: home.config)
            }
            // A read that fails for a document this machine never held leaves nothing behind.
            let directory = home.directory(for: address)
            let madeHere = readOnly && !FileManager.default.fileExists(atPath: directory.path)
            let session = try DocumentSession(address: address, home: home,
                                              options: config.sessionOptions(token: token, readOnly: readOnly, caFile: caFile))
            let outcome: Result<Void, any Error>
            do {
                try await body(session)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            // A notice that only says what the command's own error is about to say (or says
            // within it) is left out: the reason is printed once.
            var failure: String?
            if case .failure(let error as SyncError) = outcome { failure = error.description }
            for notice in await session.notices where !(failure.map { !$0.isEmpty && (notice.contains($0) || $0.contains(notice)) } ?? false) {
                FileHandle.standardError.write(Data("weft: \(notice)\n".utf8))
            }
            let setAside = await session.setAside
            let holdsCopy = await session.hasLocalCopy, unsent = await session.unsentCount
            let keepsNothing = !holdsCopy && unsent == 0
            await session.close()
            if case .failure = outcome, madeHere, keepsNothing { try? FileManager.default.removeItem(at: directory) }
            try outcome.get()
            // Synced, but not everything typed made it: a script must not take that for success.
            if let first = setAside.first {
                throw SyncError(.refused, "the relay refused an edit; this copy as it was is saved in \(first.path)")
            }
        } catch let error as SyncError {
            throw CommandFailure(command, error)
        }
    }

    /// The document's history, read from its relay, replayed up to `serverSeq` (all of it by
    /// default). A failure is printed and thrown as a ``CommandFailure``.
    /// A name with no history at all is refused (exit 2) unless the relay has a document of that
    /// name (made empty): a name typed wrong would otherwise print nothing and succeed.
    public func replay(_ command: String, through serverSeq: UInt64 = .max) async throws -> (address: DocumentAddress, replay: HistoryReplay) {
        do {
            let (address, replay) = try await readHistory(through: serverSeq)
            try await requireHistory(replay.history, continues: false, command: command, address: address)
            return (address, replay)
        } catch let error as SyncError {
            throw CommandFailure(command, error)
        } catch let error as HistoryError {
            throw CommandFailure(command, message: "\(error)", exitCode: 2)
        }
    }

    /// As `replay`, but failing with the `SyncError` or `HistoryError` itself, printed nowhere
    /// (for a screen, which says it in its own message line).
    public func readHistory(through serverSeq: UInt64 = .max) async throws -> (address: DocumentAddress, replay: HistoryReplay) {
        let (address, replay, _) = try await replayHistory(through: serverSeq)
        return (address, replay)
    }

    /// The document's history within `bound`, replayed up to `serverSeq` a page at a time as the
    /// pages arrive (the relay reads the next page meanwhile); whether the history goes on past
    /// the bound.
    func replayHistory(bound: HistoryBound = .none, through serverSeq: UInt64 = .max) async throws -> (address: DocumentAddress, replay: HistoryReplay, continues: Bool) {
        let (_, address, token) = try resolve(in: ClientHome.fromEnvironment())
        let pages = HistoryPages(of: address, bound: bound, token: token, caFile: caFile.map { URL(fileURLWithPath: $0) }, timeout: timeout)
        let (replay, continues) = try await HistoryReplay.read(pages, through: serverSeq)
        return (address, replay, continues)
    }

    /// The document's history after `after` and within `bound`, read from its relay with this
    /// connection's token, CA file and timeout; where the document is, and whether its history
    /// goes on past what was read.
    func fetchHistory(after: UInt64 = 0, bound: HistoryBound = .none) async throws(SyncError) -> (address: DocumentAddress, history: DocumentHistory, continues: Bool) {
        let (_, address, token) = try resolve(in: ClientHome.fromEnvironment())
        let (history, continues) = try await HistoryFetch.history(of: address, after: after, bound: bound, token: token,
                                                                  caFile: caFile.map { URL(fileURLWithPath: $0) }, timeout: timeout)
        return (address, history, continues)
    }

    /// Refuses (exit 2) a name with no history at all, unless the relay has a document of that
    /// name (one made empty, whose history has nothing yet): a name typed wrong would otherwise
    /// print nothing and succeed.
    func requireHistory(_ history: DocumentHistory, continues: Bool, command: String, address: DocumentAddress) async throws {
        guard history.floor == 0, history.entries.isEmpty, !continues else { return }
        let (_, _, token) = try resolve(in: ClientHome.fromEnvironment())
        if await RelayDocuments.exists(address, token: token, caFile: caFile.map { URL(fileURLWithPath: $0) }, timeout: timeout) == true { return }
        throw CommandFailure(command, message: "\(commandArgument(for: address)) has no history (is the name right?)", exitCode: 2)
    }
}
