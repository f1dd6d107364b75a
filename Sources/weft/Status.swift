import ArgumentParser
import Foundation
import WeftCRDT
import WeftEditor
import WeftSync

/// `weft status [DOCUMENT]`: what is waiting to be sent.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List documents with edits not yet acknowledged by their relay, and how old they are."
    )

    @Argument(help: ArgumentHelp("Only this document (ws[s]://HOST:PORT/NAME or NAME).", valueName: "DOCUMENT"))
    var document: String?

    func run() async throws {
        let home = ClientHome.fromEnvironment()
        var directories = home.documentDirectories()
        if let document {
            let address: DocumentAddress
            do {
                address = try DocumentAddress(parsing: document, defaultServer: UserConfig.defaultServer(home: home))
            } catch {
                FileHandle.standardError.write(Data("weft status: \(error)\n".utf8))
                throw ExitCode(3)
            }
            let wanted = home.directory(for: address).standardizedFileURL.path
            directories = directories.filter { $0.directory.standardizedFileURL.path == wanted }
        }
        let now = UInt64(Date().timeIntervalSince1970)
        var listed = 0
        for (server, name, directory) in directories {
            let open = DocumentFiles.isLocked(directory)
            guard let queue = try? OfflineQueue(url: directory.appendingPathComponent(DocumentFiles.queueName), newReplica: ReplicaID(0), readOnly: true),
                  let oldest = queue.pending.first else { continue }
            let shown = (try? String(contentsOf: directory.appendingPathComponent(DocumentFiles.addressName), encoding: .utf8)) ?? "\(server)/\(name)"
            print("\(shown)\t\(queue.pending.count) unsent\toldest \(Self.age(now > oldest.queuedAt ? now - oldest.queuedAt : 0))\(open ? "\t(open in another weft)" : "")")
            listed += 1
        }
        if listed == 0 { print("nothing unsent") }
    }

    static func age(_ seconds: UInt64) -> String {
        switch seconds {
        case ..<60: "\(seconds)s ago"
        case ..<3600: "\(seconds / 60)m ago"
        case ..<86_400: "\(seconds / 3600)h ago"
        default: "\(seconds / 86_400)d ago"
        }
    }
}
