import ArgumentParser
import Foundation
import WeftClient
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
            let shown = (try? String(contentsOf: directory.appendingPathComponent(DocumentFiles.addressName), encoding: .utf8)) ?? "\(server)/\(name)"
            let queueURL = directory.appendingPathComponent(DocumentFiles.queueName)
            guard let queue = try? OfflineQueue(url: queueURL, newReplica: ReplicaID(0), readOnly: true) else {
                print("\(shown)\tthe offline queue cannot be read (\(queueURL.path)): open the document to repair it")
                listed += 1
                continue
            }
            // Acknowledged batches stay in the queue until the cache is saved; the received log
            // says which the relay took meanwhile.
            let acknowledged = ReceivedLog.acknowledged(of: queue.replica, at: directory.appendingPathComponent(DocumentFiles.receivedName))
            let unsent = queue.pending.filter { $0.clientSeq > acknowledged }
            if let oldest = unsent.first {
                print("\(shown)\t\(unsent.count) unsent\toldest \(Self.age(now > oldest.queuedAt ? now - oldest.queuedAt : 0))\(open ? "\t(open in another weft, which may have sent some since: its status line has the count now)" : "")")
                listed += 1
            }
            if let problem = queue.unreadableTail {
                print("\(shown)\tthe queue's end is damaged (\(problem)): open the document to keep what is whole and save the rest aside")
                listed += 1
            }
            // What this copy holds that the relay may not: copies set aside, damaged queue tails.
            for file in DocumentFiles.setAside(in: directory) {
                print("\(shown)\tset aside: \(directory.appendingPathComponent(file).path)")
                listed += 1
            }
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
