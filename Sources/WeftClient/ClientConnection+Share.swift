import Foundation
import WeftEditor
import WeftSync

extension ClientConnection {
    /// `weft share`: keeps the file at `path` and this connection's document in step until
    /// SIGINT, SIGTERM or SIGHUP, looking at both whenever the document changes and four times a
    /// second for the file. Starts once the relay's text is here (a share must not start from a
    /// stale copy); ends with a last look, edits sent (up to 5 s), and a line saying what is left.
    /// A failure is printed and thrown as a ``CommandFailure``.
    public func share(path: String, start: FileShare.Start) async throws {
        let report: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("weft share: \($0)\n".utf8)) }
        enum Wake: Equatable { case documentChanged, tick, stop, connection(SyncStatus.Connection) }
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self)
        var sources: [DispatchSourceSignal] = []
        defer { sources.forEach { $0.cancel() } }
        try await withSession("share") { session in
            await session.start()
            try await session.waitUntilSettled(timeout: timeout, refusalGrace: refusalGrace)
            // Stopping is watched from before either side is written: a SIGTERM while the share
            // starts ends it after the start, with the same last look, not half-way through it.
            // (Before this, a signal ends the process as usual: nothing has been written yet.)
            for number in [SIGINT, SIGTERM, SIGHUP] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { wake.yield(.stop) }
                source.resume()
                sources.append(source)
            }
            let name = session.commandArgument
            let share: FileShare
            let outcome: FileShare.Outcome
            do {
                let home = ClientHome.fromEnvironment()
                let record = (try? resolve(in: home)).map { resolved in
                    home.directory(for: resolved.address).appendingPathComponent("share-" + FileShare.fingerprint(URL(fileURLWithPath: path).standardizedFileURL.path)
                        .replacingOccurrences(of: " ", with: "-"))
                }
                share = try FileShare(path: path, documentName: name, session: session, agreedRecord: record, report: report)
                outcome = try await share.start(start)
            } catch let error as LocalFileError {
                throw SyncError(.io, error.description)
            }
            switch outcome {
            case .same: report("\(path) and \(name) hold the same text")
            case .documentFromFile: report("\(name) now holds the text of \(path)")
            case .fileFromDocument: report("\(path) now holds the text of \(name)")
            }
            if share.fileEndsLinesInCRLF {
                report("every line of \(path) ends in CR LF: \(name) holds them without the CR, and they are written back to the file with it")
            }
            report("sharing \(path) as \(name): edits on either side reach the other; Ctrl-C stops")

            await session.observe { event in
                switch event {
                case .remote, .replaced: wake.yield(.documentChanged)
                case .presence, .notice, .trouble: break
                }
            }
            let statuses = Task {
                for await status in session.statusUpdates { wake.yield(.connection(status.connection)) }
            }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    wake.yield(.tick)
                }
            }
            defer {
                ticker.cancel()
                statuses.cancel()
            }
            var online = true
            for await reason in wakes {
                switch reason {
                case .stop: break
                case .documentChanged: try await share.step(documentChanged: true)
                case .tick: try await share.step(documentChanged: false)
                case .connection(let connection):
                    // Said once each way: the file goes on being read and queued meanwhile.
                    if connection == .online, !online {
                        online = true
                        report("the relay answers again; queued edits are going out")
                    } else if case .offline = connection, online {
                        online = false
                        report("the relay does not answer; the file's changes are queued here and go out when it is back")
                    }
                }
                if reason == .stop { break }
            }
            try await share.step(documentChanged: true, final: true)
            try? await session.waitUntilSettled(timeout: .seconds(5))
            let unsent = await session.unsentCount
            report(unsent == 0 ? "stopped sharing \(path); the relay has every edit"
                              : "stopped sharing \(path); \(unsent) edits stay queued on this machine and go out the next time \(name) is opened")
        }
    }
}
