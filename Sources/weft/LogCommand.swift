import ArgumentParser
import Foundation
import WeftClient
import WeftSync

/// `weft log DOCUMENT`: the document's history as editing sessions, newest first.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List a document's history as editing sessions, newest first.",
        discussion: """
            A session is one author's batches with no pause over 5 minutes between them (others \
            may edit meanwhile). Per session: its time span (the relay's commit times, UTC), the \
            author (`?` after a name the relay could not verify), characters inserted and deleted \
            (+N -N, in Unicode scalars), its batches' sequences, and the start of what it inserted.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Only sessions that went on after this point: a while ago (90s, 30m, 2h, 7d), a UTC time (2026-12-02T14:03) or a sequence, as for view --at.", valueName: "POINT"), transform: HistoryPoint.argument)
    var since: HistoryPoint?

    @Option(help: ArgumentHelp("Only this user's sessions.", valueName: "NAME"))
    var author: String?

    func run() async throws {
        if let since {
            do {
                try client.connection.refuseFuture(since, command: "log", option: "--since")
            } catch let failure as CommandFailure {
                throw ExitCode(failure.exitCode)
            }
        }
        let (address, replay) = try await client.replay("log", through: 0)
        var sessions: [EditSession]
        do {
            sessions = try EditSession.sessions(of: replay.history.entries)
        } catch {
            FileHandle.standardError.write(Data("weft log: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let since {
            do {
                try client.connection.refusePastTheEnd(since, historyEnd: replay.history.entries.last?.serverSeq ?? 0, command: "log", option: "--since", address: address)
            } catch let failure as CommandFailure {
                throw ExitCode(failure.exitCode)
            }
            // Sessions with a batch after the newest batch committed by then.
            let seq = since.serverSeq(in: replay, nowMilliseconds: UInt64(Date().timeIntervalSince1970 * 1_000))
            sessions = sessions.filter { $0.lastSeq > seq }
        }
        if let author { sessions = sessions.filter { $0.author?.name == author } }
        StandardOutput.writeForPeople(HistoryFormat.log(sessions))
    }
}
