import Foundation
import WeftSync

extension EditorApp {
    /// Starts the background relay for `address` when this machine runs it and none answers.
    static func startRelay(for address: DocumentAddress, home: ClientHome) -> Result<URL?, SyncError> {
        do {
            return .success(try EmbeddedRelay.ensureRunning(for: address, home: home))
        } catch {
            return .failure(error)
        }
    }

    /// The exit status when the pager must not open `address`: the relay says there is no such
    /// document and this machine has none (reported on stderr); nil when it may.
    static func refuseMissing(_ address: DocumentAddress, launch: ScreenLaunch, home: ClientHome) async -> Int32? {
        do {
            let token = try Credentials.token(for: address, explicit: launch.token, home: home)
            try await RelayDocuments.requireDocument(address, home: home, token: token, caFile: launch.caFile.map { URL(fileURLWithPath: $0) },
                                                     timeout: .seconds(5))
            return nil
        } catch {
            return CommandFailure(launch.command, error).exitCode
        }
    }
}
