import Foundation
import WeftSync

extension ClientConnection {
    /// The document's history replayed up to `point`, and the whole replay (for what came after).
    /// A failure is printed and thrown as a ``CommandFailure``.
    public func replay(_ command: String, at point: HistoryPoint) async throws -> (address: DocumentAddress, past: HistoryReplay, now: HistoryReplay) {
        let (address, now) = try await replay(command)
        let seq = point.serverSeq(in: now, nowMilliseconds: UInt64(Date().timeIntervalSince1970 * 1_000))
        var past = try HistoryReplay(now.history)
        do {
            try past.advance(through: seq)
        } catch {
            throw CommandFailure(command, message: "\(error)", exitCode: 2)
        }
        return (address, past, now)
    }

    /// `weft view DOC --at POINT`: a file in the temporary directory holding the document as of
    /// `point`, named after both. A past version does not change, so it is paged as a file, not
    /// as a live document.
    public func pastVersionFile(at point: HistoryPoint) async throws -> String {
        let (address, past, _) = try await replay("view", at: point)
        do {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-\(getuid())-past")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let file = directory.appendingPathComponent("\(address.name.rawValue.replacingOccurrences(of: "/", with: "%2F"))@\(past.serverSeq)")
            try Data(past.replica.text.utf8).write(to: file, options: .atomic)
            return file.path
        } catch {
            throw CommandFailure("view", message: "cannot write the past version to the temporary directory (\(error.localizedDescription))", exitCode: 3)
        }
    }
}
