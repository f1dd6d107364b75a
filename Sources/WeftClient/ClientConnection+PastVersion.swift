import Foundation
import WeftEditor
import WeftSync

extension ClientConnection {
    /// The document's history replayed up to `point` (given as `option`), and the whole replay
    /// (for what came after). A failure is printed and thrown as a ``CommandFailure``.
    public func replay(_ command: String, at point: HistoryPoint, option: String = "--at") async throws -> (address: DocumentAddress, past: HistoryReplay, now: HistoryReplay) {
        try refuseFuture(point, command: command, option: option)
        let (address, now) = try await replay(command)
        let seq = point.serverSeq(in: now, nowMilliseconds: Self.nowMilliseconds)
        var past = try HistoryReplay(now.history)
        do {
            try past.advance(through: seq)
        } catch {
            throw CommandFailure(command, message: "\(error)", exitCode: 2)
        }
        try refuseOutside(point, past: past.serverSeq, historyEnd: now.serverSeq, command: command, option: option, address: address)
        return (address, past, now)
    }

    /// The document as of `point`, from only the beginning of its history up to there: an old
    /// version of a long-lived document costs what came before it, not the document's whole
    /// life. A failure is printed and thrown as a ``CommandFailure``.
    public func replayBeginning(_ command: String, through point: HistoryPoint, option: String = "--at") async throws -> (address: DocumentAddress, past: HistoryReplay) {
        try refuseFuture(point, command: command, option: option)
        let bound = point.bound(nowMilliseconds: Self.nowMilliseconds)
        do {
            let (address, past, continues) = try await replayHistory(bound: bound)
            try await requireHistory(past.history, continues: continues, command: command, address: address)
            // Read through the bound: the history ends where this read did unless it goes on.
            try refuseOutside(point, past: past.serverSeq, historyEnd: continues ? .max : past.serverSeq, command: command, option: option, address: address)
            return (address, past)
        } catch let error as SyncError {
            throw CommandFailure(command, error)
        } catch let error as HistoryError {
            throw CommandFailure(command, message: "\(error)", exitCode: 2)
        }
    }

    /// Points outside the history are refused, as git refuses revisions it does not have: an
    /// answer there (today's text, an empty one) would pass a typo off as a version.
    private func refuseOutside(_ point: HistoryPoint, past: UInt64, historyEnd: UInt64, command: String, option: String, address: DocumentAddress) throws {
        try refusePastTheEnd(point, historyEnd: historyEnd, command: command, option: option, address: address)
        switch point {
        case .time where past == 0, .ago where past == 0:
            throw CommandFailure(command, message: "\(commandArgument(for: address)) had no text yet at that point (its first batch is 1); \(option) 0 is the empty document, if that is what you want", exitCode: 2)
        default:
            return
        }
    }

    /// Refuses (exit 2, printed) a sequence past `historyEnd`, the history's last: a typo must
    /// not read as a version, nor as "nothing happened since".
    public func refusePastTheEnd(_ point: HistoryPoint, historyEnd: UInt64, command: String, option: String, address: DocumentAddress) throws {
        if case .serverSeq(let seq) = point, seq > historyEnd {
            let end = historyEnd == 0 ? "has no batch yet (the document is empty)" : "ends at batch \(historyEnd)"
            throw CommandFailure(command, message: "the history of \(commandArgument(for: address)) \(end); \(option) \(seq) is past it", exitCode: 2)
        }
    }

    /// Refuses (exit 2, printed) a time ahead of the clock before anything is read: a typo, or a
    /// local time read as UTC, must not read as the newest version.
    public func refuseFuture(_ point: HistoryPoint, command: String, option: String) throws {
        if let refusal = point.futureRefusal(nowMilliseconds: Self.nowMilliseconds) {
            throw CommandFailure(command, message: "\(option) \(refusal)", exitCode: 2)
        }
    }

    private static var nowMilliseconds: UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000) }

    /// `weft view DOC --at POINT`: a file in the temporary directory holding the document as of
    /// `point`, named after both, and where the pager gets the document's editing sessions to
    /// step through from there: the rest of the history, read beside the pager once it shows.
    /// A past version does not change, so it is paged as a file, not as a live document.
    public func pastVersionFile(at point: HistoryPoint) async throws -> (path: String, sessions: PastSessions) {
        let (address, past) = try await replayBeginning("view", through: point)
        let beginning = past.history, shown = past.serverSeq
        let sessions: PastSessions = {
            let (_, rest, _) = try await fetchHistory(after: beginning.entries.last?.serverSeq ?? 0)
            return try TimeTravel(DocumentHistory(floor: beginning.floor, entries: beginning.entries + rest.entries), at: shown)
        }
        do {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-\(getuid())-past")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let file = directory.appendingPathComponent("\(address.name.rawValue.replacingOccurrences(of: "/", with: "%2F"))@\(past.serverSeq)")
            try Data(past.replica.text.utf8).write(to: file, options: .atomic)
            return (file.path, sessions)
        } catch {
            throw CommandFailure("view", message: "cannot write the past version to the temporary directory (\(error.localizedDescription))", exitCode: 3)
        }
    }
}

/// Where a paged past version's editing sessions come from: the rest of the document's history,
/// read when the pager asks. Throws `SyncError` or `HistoryError`, whose words say why.
public typealias PastSessions = @Sendable () async throws -> TimeTravel

extension TimeTravel {
    /// The sessions of `history`, starting from the one that made the version at `serverSeq`;
    /// each session's changes are rebuilt from the history when the pager steps to it.
    /// - Throws: `HistoryError` when an entry of the history does not decode.
    init(_ history: DocumentHistory, at serverSeq: UInt64) throws(HistoryError) {
        let sessions = try EditSession.sessions(of: history.entries)
        let stops = sessions.map { Stop(label: Self.label(of: $0), lastSeq: $0.lastSeq) }
        self.init(stops: stops, start: EditSession.index(at: serverSeq, in: sessions) ?? 0) { index in
            do {
                let changes = try SessionChanges(of: sessions[index], in: history)
                return .success(Changes(text: changes.text, inserted: changes.inserted, deleted: changes.deleted))
            } catch {
                return .failure(TimeTravelProblem("\(error)"))
            }
        }
    }

    /// `ana · 2026-12-02 14:03–14:20Z · +12 -3 · seq 5–9`, as `weft log` writes its parts.
    static func label(of session: EditSession) -> String {
        let seq = session.firstSeq == session.lastSeq ? "seq \(session.firstSeq)" : "seq \(session.firstSeq)–\(session.lastSeq)"
        return "\(HistoryFormat.author(session.author)) · \(HistoryFormat.span(session.start, session.end)) · +\(session.inserted) -\(session.deleted) · \(seq)"
    }
}
