import Foundation
import WeftSync

/// A command that failed, already reported on stderr as `weft COMMAND: reason`: what remains is
/// the exit status the README documents.
public struct CommandFailure: Error, Sendable {
    /// As `exitCode(for:)` documents.
    public let exitCode: Int32

    /// Prints `weft COMMAND: message` on stderr and keeps `exitCode`.
    public init(_ command: String, message: String, exitCode: Int32) {
        FileHandle.standardError.write(Data("weft \(command): \(message)\n".utf8))
        self.exitCode = exitCode
    }

    /// Prints `error` for `command` with the exit status its kind documents.
    public init(_ command: String, _ error: SyncError) {
        self.init(command, message: error.description, exitCode: Self.exitCode(for: error))
    }

    /// Exit statuses (README): 1 not in sync before the timeout, 2 refused by the relay, 3 a
    /// local problem, 4 not allowed with this token, 5 no such document, 6 the new name is taken.
    public static func exitCode(for error: SyncError) -> Int32 {
        switch error.kind {
        case .timeout: 1
        case .refused: 2
        case .locked, .io, .configuration: 3
        case .forbidden: 4
        case .missing: 5
        case .exists: 6
        }
    }
}
