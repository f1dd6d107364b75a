import Foundation
import WeftEditor
import WeftSync
import WeftWire

extension ClientConnection {
    /// `weft rm`: deletes the document on its relay (starting the background relay when this
    /// machine runs it). A failure is printed and thrown as a ``CommandFailure``.
    public func deleteDocument(_ command: String) async throws {
        do {
            let home = ClientHome.fromEnvironment()
            let (config, address, token) = try resolve(in: home)
            _ = try EmbeddedRelay.ensureRunning(for: address, home: home, onlyWhereOneRan: !Self.onDefaultServer(address, configured: config.server))
            try await RelayDocuments.delete(address, token: token, caFile: caFileURL, timeout: timeout)
            await forgetCopy(of: address, home: home, config: config)
        } catch let error as SyncError {
            throw CommandFailure(command, error)
        }
    }

    /// After deleting a document: this machine's copy of it goes too, so that a document made
    /// again under the name does not find an old copy to set aside. Kept when it holds anything
    /// of the user's: edits not sent, files set aside before, or a weft that has it open.
    private func forgetCopy(of address: DocumentAddress, home: ClientHome, config: UserConfig) async {
        let directory = home.directory(for: address)
        let manager = FileManager.default
        guard manager.fileExists(atPath: directory.path), !DocumentFiles.isLocked(directory),
              DocumentFiles.setAside(in: directory).isEmpty else { return }
        guard let session = try? DocumentSession(address: address, home: home, options: config.sessionOptions(token: "", readOnly: true, caFile: nil)) else { return }
        let unsent = await session.unsentCount
        await session.close()
        if unsent == 0 { try? manager.removeItem(at: directory) }
    }

    /// `weft mv`: renames the document on its relay to `newName`, refused when that exists.
    /// A failure is printed and thrown as a ``CommandFailure``.
    public func renameDocument(_ command: String, to newName: String) async throws {
        do {
            let home = ClientHome.fromEnvironment()
            let (config, address, token) = try resolve(in: home)
            let target = try Self.documentName(newName)
            _ = try EmbeddedRelay.ensureRunning(for: address, home: home, onlyWhereOneRan: !Self.onDefaultServer(address, configured: config.server))
            try await RelayDocuments.rename(address, to: target, token: token, caFile: caFileURL, timeout: timeout)
        } catch let error as SyncError {
            throw CommandFailure(command, error)
        }
    }

    /// Refuses to read a document nobody made (``RelayDocuments/requireDocument(_:home:token:caFile:timeout:)``),
    /// printed and thrown as a ``CommandFailure``.
    public func requireDocument(_ command: String) async throws {
        do {
            let home = ClientHome.fromEnvironment()
            let (_, address, token) = try resolve(in: home)
            try await RelayDocuments.requireDocument(address, home: home, token: token, caFile: caFileURL, timeout: timeout)
        } catch let error as SyncError {
            throw CommandFailure(command, error)
        }
    }

    /// `weft ls`: the documents on `server` (else the default server) that the token may see,
    /// as a table, or tab-separated with `porcelain`. A failure is printed and thrown as a
    /// ``CommandFailure``.
    public static func listDocuments(_ command: String, server: String?, token: String?, caFile: String?, timeout: Duration,
                                     porcelain: Bool) async throws -> String {
        let documents: [DocumentInfo], relay: DocumentAddress
        do {
            (documents, relay) = try await list(server: server, token: token, caFile: caFile, timeout: timeout)
        } catch let error as SyncError {
            throw CommandFailure(command, error)
        }
        return porcelain ? DocumentTable.porcelain(documents) : DocumentTable.table(documents, server: relay.server)
    }

    /// The documents on `server` (else the default server), and its address.
    private static func list(server: String?, token: String?, caFile: String?, timeout: Duration) async throws(SyncError)
        -> (documents: [DocumentInfo], relay: DocumentAddress) {
        let home = ClientHome.fromEnvironment()
        let defaultServer = DocumentAddress.defaultServer(configured: try UserConfig.load(home: home).server)
        let relay = try DocumentAddress(server: server ?? defaultServer)
        let presented = try Credentials.token(for: relay, explicit: token, home: home)
        _ = try EmbeddedRelay.ensureRunning(for: relay, home: home, onlyWhereOneRan: !relay.isOn(server: defaultServer))
        return (try await RelayDocuments.list(on: relay, token: presented, caFile: caFile.map { URL(fileURLWithPath: $0) }, timeout: timeout), relay)
    }

    /// Whether `address` is on the default server (`$WEFT_SERVER`, else the configuration's
    /// `configured`, else the built-in one), where a background relay is started for any command.
    private static func onDefaultServer(_ address: DocumentAddress, configured: String?) -> Bool {
        address.isOn(server: DocumentAddress.defaultServer(configured: configured))
    }

    /// `text` as a document name, or why it is not one, in words.
    private static func documentName(_ text: String) throws(SyncError) -> DocumentName {
        guard let name = try? DocumentName(text) else {
            throw SyncError(.configuration, "\(text.debugDescription) is not a document name: \(nameProblem(text))")
        }
        return name
    }

    /// Why `text` is not a document name, as the name's own check words it.
    private static func nameProblem(_ text: String) -> String {
        do {
            _ = try DocumentName(text)
            return ""
        } catch let error as WireError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    private var caFileURL: URL? { caFile.map { URL(fileURLWithPath: $0) } }
}
