import ArgumentParser
import Foundation
import WeftClient
import WeftSync

extension HistoryPoint {
    /// Parses a POINT option's value (taken even when it starts with `-`, so that `--at -5` is
    /// answered about -5), refusing it in plain words.
    static func argument(_ text: String) throws -> HistoryPoint {
        guard let point = HistoryPoint(parsing: text) else { throw ValidationError(HistoryPoint.refusal(of: text)) }
        return point
    }
}

extension ClientCommandOptions {
    /// ``ClientConnection/replay(_:at:option:)``, exiting with the documented status when it fails.
    func replay(_ command: String, at point: HistoryPoint, option: String = "--at") async throws -> (address: DocumentAddress, past: HistoryReplay, now: HistoryReplay) {
        do {
            return try await connection.replay(command, at: point, option: option)
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
    }
}
