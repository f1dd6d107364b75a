import ArgumentParser
import Foundation
import WeftSync

extension HistoryPoint: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension ClientCommandOptions {
    /// The document's history replayed up to `point`, and the whole replay (for what came after).
    func replay(_ command: String, at point: HistoryPoint) async throws -> (address: DocumentAddress, past: HistoryReplay, now: HistoryReplay) {
        let (address, now) = try await replay(command)
        let seq = point.serverSeq(in: now, nowMilliseconds: UInt64(Date().timeIntervalSince1970 * 1_000))
        var past = try HistoryReplay(now.history)
        do {
            try past.advance(through: seq)
        } catch {
            FileHandle.standardError.write(Data("weft \(command): \(error)\n".utf8))
            throw ExitCode(2)
        }
        return (address, past, now)
    }
}
