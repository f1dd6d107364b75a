import ArgumentParser
import Foundation
import WeftEditor
import WeftSync
import WeftWire

extension ClientCommandOptions {
    /// The document's history, read from its relay, replayed up to `serverSeq` (all of it by
    /// default). Failures print `weft COMMAND: reason` and exit with the documented code.
    func replay(_ command: String, through serverSeq: UInt64 = .max) async throws -> (address: DocumentAddress, replay: HistoryReplay) {
        do {
            let home = ClientHome.fromEnvironment()
            let config = try UserConfig.load(home: home)
            let address = try DocumentAddress(parsing: document, defaultServer: DocumentAddress.defaultServer(configured: config.server))
            let token = try Credentials.token(for: address, explicit: token, home: home)
            let history = try await HistoryFetch.history(of: address, token: token, caFile: caFile.map { URL(fileURLWithPath: $0) },
                                                         timeout: timeoutDuration)
            var replay = try HistoryReplay(history)
            try replay.advance(through: serverSeq)
            return (address, replay)
        } catch let error as SyncError {
            FileHandle.standardError.write(Data("weft \(command): \(error)\n".utf8))
            throw ExitCode(Self.exitCode(for: error))
        } catch let error as HistoryError {
            FileHandle.standardError.write(Data("weft \(command): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
