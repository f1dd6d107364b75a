import Foundation
import GRDB
import WeftWire

extension SQLiteStore {
    /// Which store a data directory holds: a random id kept both in the database (`settings`) and
    /// beside it (`store-id`). A database file that is gone, emptied, or replaced by another
    /// relay's is then told from a new directory, instead of being served as empty documents
    /// (which would look to every client like documents reset by someone).
    struct Identity {
        static let fileName = "store-id"
        let file: URL
        /// The id this directory's store had, if it was ever opened by a version that records it.
        let recorded: String?

        init(directory: URL) {
            file = directory.appendingPathComponent(Self.fileName)
            recorded = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Compares the database's id with the directory's; gives a new store (or one opened
        /// before ids were kept) its id.
        func check(_ pool: DatabasePool, file database: URL, acceptLostStore: Bool) throws {
            let stored = try pool.read { db in
                try Data.fetchOne(db, sql: "SELECT value FROM settings WHERE name = 'store-id'").map { String(decoding: $0, as: UTF8.self) }
            }
            switch (recorded, stored) {
            case let (recorded?, stored?) where recorded == stored:
                return
            case let (recorded?, stored) where !acceptLostStore:
                let what = stored.map { "another store (\(Self.fileName) \($0))" } ?? "an empty store"
                throw RelayStartError("""
                    \(database.path) is \(what), not the one \(file.deletingLastPathComponent().path) held (\(Self.fileName) \(recorded)): \
                    its documents are not in it. Put the right file back (from a backup), or start with --accept-lost-store \
                    to use this one; clients that hold documents it lacks give them back as they connect
                    """)
            default:
                let id = stored ?? UUID().uuidString.lowercased()
                if stored == nil {
                    try pool.write { db in
                        try db.execute(sql: "INSERT OR REPLACE INTO settings (name, value) VALUES ('store-id', ?)", arguments: [Data(id.utf8)])
                    }
                }
                do {
                    try DurableWrite.replace(file, with: Data((id + "\n").utf8))
                } catch {
                    throw RelayStartError("cannot write \(file.path): \(SQLiteStore.describe(error))")
                }
            }
        }
    }

    /// Creates the data directory (0700), or says plainly why it cannot be one.
    static func prepareDirectory(_ directory: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw RelayStartError("\(directory.path) is a file, not a directory: --data names the directory the relay keeps its store in")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RelayStartError("cannot create the data directory \(directory.path): \(describe(error))")
        }
    }

    /// `PRAGMA quick_check`: a damaged page is refused at start, naming the file, not found later
    /// by a commit that fails for every writer.
    static func checkIntegrity(_ pool: DatabasePool, file: URL) throws {
        let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        guard problems != ["ok"] else { return }
        throw RelayStartError("""
            \(file.path) is damaged (SQLite's check says: \(problems.prefix(3).joined(separator: "; "))): \
            restore it from a backup, or move it aside and start with --accept-lost-store (clients give their copies back)
            """)
    }

    /// A file or SQLite error in words an operator can act on, without Foundation's dumps.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
        }
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if let error = error as? CocoaError {
            switch error.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
            case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
            case .fileWriteFileExists: return "a file is in the way"
            default: return "a file error (\(error.code.rawValue))"
            }
        }
        return "\(error)"
    }

    /// Runs `body`, remembering a failure for `/healthz` until a later call succeeds.
    func tracking<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let value = try await body()
            lastFailure.withLock { $0 = nil }
            return value
        } catch let damage as HistoryDamaged {
            lastFailure.withLock { $0 = damage.description }
            throw damage
        } catch {
            let reason = Self.describe(error)
            lastFailure.withLock { $0 = reason }
            throw StoreError("the SQLite store failed: \(reason)")
        }
    }
}

/// Replacing a small file so that a crash leaves the old one or the whole new one.
enum DurableWrite {
    static func replace(_ url: URL, with data: Data) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try data.write(to: temporary)
        let descriptor = open(temporary.path, O_RDONLY)
        if descriptor >= 0 { fsync(descriptor); close(descriptor) }
        guard rename(temporary.path, url.path) == 0 else {
            throw RelayStartError("cannot rename \(temporary.path) to \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}
