import ArgumentParser
import Foundation
import WeftClient
import WeftSync

extension HistoryPoint: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
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
