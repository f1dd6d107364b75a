import ArgumentParser
import Foundation
import WeftSync

/// `weft view DOC --at POINT`: the document as it was, written to a file the pager shows (a past
/// version does not change, so it is paged as a file, not a live document).
enum PastVersion {
    /// A file in the temporary directory holding `document` as of `point`, named after both.
    static func file(of document: String, at point: HistoryPoint, screen: ScreenOptions) async throws -> String {
        var arguments = [document]
        if let token = screen.token { arguments += ["--token", token] }
        if let caFile = screen.caFile { arguments += ["--ca-file", caFile] }
        let client = try ClientCommandOptions.parse(arguments)
        let (address, past, _) = try await client.replay("view", at: point)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-\(getuid())-past")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = directory.appendingPathComponent("\(address.name.rawValue.replacingOccurrences(of: "/", with: "%2F"))@\(past.serverSeq)")
        try Data(past.replica.text.utf8).write(to: file, options: .atomic)
        return file.path
    }
}
