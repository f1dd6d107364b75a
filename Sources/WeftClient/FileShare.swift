import Foundation
import WeftEditor
import WeftSync

/// `weft share FILE DOCUMENT`: a local file and a shared document kept in step while it runs.
/// Others' edits to the document are written into the file (atomically, its permissions kept);
/// the file written by anything here (an editor's save, `git checkout`, a script) becomes edits
/// to the document, only the span that changed, so others' cursors elsewhere stay put.
///
/// Both sides may change between two looks: the file's change and the document's are each one
/// span of the text both last agreed on. Spans apart both stay (the file's moved to where it now
/// is); spans that touch the same characters cannot both stay, and the document wins: the file's
/// text is saved beside it as `FILE.conflict-STAMP`, said on stderr, and the file takes the
/// document's text.
public final class FileShare: @unchecked Sendable {
    /// What ``start(_:)`` does when the file and the document differ at the start.
    public enum Start: Sendable {
        /// Refuse, saying how to choose (the default: neither side is lost by accident).
        case refuseIfDifferent
        /// The document becomes the file's text.
        case takeFile
        /// The file becomes the document's text.
        case takeDocument
    }

    private let session: DocumentSession
    private var file: LocalFile

    /// Whether every line of the file ends in CR LF: the document holds its lines without the
    /// CR, and they are written back to the file with it.
    public var fileEndsLinesInCRLF: Bool { file.lineEnding == .crlf }
    /// The text the file and the document last both had; its fingerprint is kept in `agreedRecord`.
    private var base: String {
        didSet { recordAgreed() }
    }
    private let report: @Sendable (String) -> Void
    /// Where the fingerprint of the text both last had is kept between runs (in this machine's
    /// copy of the document): a share started again takes the side that changed since, as git
    /// fast-forwards, and one told to take the document knows whether the file has text to save.
    private let agreedRecord: URL?

    /// How a start went: the text both sides now have, and what was done to get there.
    public enum Outcome: Equatable, Sendable {
        case same
        case documentFromFile
        case fileFromDocument
    }

    /// What to call the document in messages (as the user would type it).
    private let documentName: String

    /// Opens `path`; `session` must be started and settled (its text is the relay's).
    /// - Parameter report: where messages for the user go (one line each).
    /// - Throws: `LocalFileError` when the file cannot be read, or could not be written back
    ///   (its directory missing, or it or its directory read-only here).
    /// - Parameter agreedRecord: the file that keeps, between runs, which text both sides last had.
    public init(path: String, documentName: String, session: DocumentSession, agreedRecord: URL? = nil,
                report: @escaping @Sendable (String) -> Void) throws(LocalFileError) {
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LocalFileError("there is no directory \(directory) here for \(path)")
        }
        if FileManager.default.fileExists(atPath: path) ? LocalFile.isReadOnly(path) : access(directory, W_OK) != 0 {
            throw LocalFileError("\(path) cannot be written here (read-only), so others' edits could not reach it")
        }
        let (file, text) = try LocalFile.open(path)
        self.documentName = documentName
        self.file = file
        self.agreedRecord = agreedRecord
        self.base = text
        self.session = session
        self.report = report
    }

    /// A fingerprint of `text`'s bytes (FNV-1a, 64 bits, and the length): which text both sides
    /// last had, without keeping a copy of it.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return "\(text.utf8.count) \(String(hash, radix: 16))"
    }

    /// The fingerprint kept by the last run, nil without one.
    private var agreedBefore: String? {
        agreedRecord.flatMap { try? String(contentsOf: $0, encoding: .utf8) }?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func recordAgreed() {
        guard let agreedRecord else { return }
        try? Data((Self.fingerprint(base) + "\n").utf8).write(to: agreedRecord, options: .atomic)
    }

    /// Makes the two one text. An empty side takes the other's; two that differ are refused
    /// unless `start` says which to take.
    /// - Throws: `SyncError(.refused)` naming the choices when they differ and `start` refuses.
    public func start(_ start: Start) async throws -> Outcome {
        let document = await session.text
        // Byte for byte: String's == takes "é" and "e" with an accent for the same text.
        if document.utf8.elementsEqual(base.utf8) {
            recordAgreed()
            return .same
        }
        let agreed = agreedBefore
        // Started again after one side changed: that side is taken, as git fast-forwards.
        let fileUnchanged = agreed == Self.fingerprint(base), documentUnchanged = agreed == Self.fingerprint(document)
        if document.isEmpty || start == .takeFile || (start == .refuseIfDifferent && documentUnchanged) {
            try await apply(TextEdit.replacing(document, with: base))
            recordAgreed()
            return .documentFromFile
        }
        if base.isEmpty || start == .takeDocument || (start == .refuseIfDifferent && fileUnchanged) {
            // Text of the file's that the document never had is saved beside it, never lost.
            if !base.isEmpty, !fileUnchanged { keepConflict(base, because: "differs from \(documentName), whose text it now holds") }
            try write(document)
            return .fileFromDocument
        }
        throw SyncError(.configuration, "\(file.path) and \(documentName) differ, and both changed since they last held the same text; choose which to keep: --take-file makes the document the file's text, --take-document writes the document into the file and saves the file's text beside it (weft cat \(documentName) | diff \(file.path) - shows how they differ)")
    }

    /// The file's size, modification time and inode at the last look, while it differs from
    /// what was last read or written: a change is read once it has stayed the same for one look,
    /// so an editor that truncates and then writes is not read half-way (as an emptied file).
    private var settling: FileIdentity?
    /// When the file was first seen gone, while it stays gone.
    private var missingSince: ContinuousClock.Instant?
    /// Where the text written into the file from the document since the file last changed by
    /// itself is (in `base`): an editor holding the file from before writes it back without that
    /// text, and a change that removes all of one of these is taken for that, not for a deletion.
    private var unseen: [Range<Int>] = []

    /// One look at both sides: the file's change (if it was written, and has settled) becomes
    /// edits, then the file is written if the document holds anything else.
    /// - Parameters:
    ///   - documentChanged: others' edits may have arrived since the last look (the document's
    ///     text is only built then, or when the file changed: a big document costs to build).
    ///   - final: the last look before stopping: a change not settled yet is read all the same.
    public func step(documentChanged: Bool = true, final: Bool = false) async throws {
        guard let identity = FileIdentity(path: file.path) else {
            // Gone (removed, or mid-save by an editor that moves the old one aside): never read
            // as empty, which would empty the document for everyone. Still gone a second later,
            // it is written again from the document.
            let now = ContinuousClock.now
            guard let since = missingSince, !final else { missingSince = missingSince ?? now; return }
            if now - since >= .seconds(1) {
                try write(await session.text, force: true)
                missingSince = nil
                report("\(file.path) was removed; written again from the document (stop weft share before removing it)")
            }
            return
        }
        missingSince = nil
        let fileChanged = file.changedOnDisk
        guard fileChanged || documentChanged else { return }
        var document = await session.text
        if fileChanged {
            guard settling == identity || final else {
                settling = identity
                return
            }
            settling = nil
            let (reread, text): (LocalFile, String)
            do {
                (reread, text) = try LocalFile.open(file.path)
            } catch {
                report("\(error); the document is not changed from it")
                return
            }
            file = reread
            if let local = TextEdit.replacing(base, with: text) {
                let removed = local.position..<(local.position + local.deleting)
                if unseen.contains(where: { !$0.isEmpty && removed.contains($0.lowerBound) && removed.upperBound >= $0.upperBound }) {
                    keepConflict(text, because: "removes text others added that weft wrote into it since it was read (an editor holding it from before?)")
                } else if let remote = TextEdit.replacing(base, with: document) {
                    if let moved = local.rebased(over: remote) {
                        try await apply(moved)
                    } else {
                        keepConflict(text, because: "and the document changed the same text at once")
                    }
                } else {
                    try await apply(local)
                }
                document = await session.text
            }
            base = text
            unseen = []
        }
        if document != base { try write(document) }
    }

    private func apply(_ edit: TextEdit?) async throws {
        guard let edit else { return }
        try await session.apply([edit])
    }

    private func write(_ text: String, force: Bool = false) throws {
        let change = TextEdit.replacing(base, with: text)
        do {
            try file.write(text, force: force)
        } catch {
            // Written meanwhile by something else: the next step reads that change first.
            if file.changedOnDisk, !force { return }
            throw SyncError(.io, "\(error.description); stopped sharing, as others' edits cannot reach the file")
        }
        base = text
        if let change { unseen = Self.moving(unseen, through: change) }
    }

    /// `ranges` after `change`, and the text `change` inserted.
    static func moving(_ ranges: [Range<Int>], through change: TextEdit) -> [Range<Int>] {
        let start = change.position, end = change.position + change.deleting
        let inserted = change.inserting.unicodeScalars.count
        var moved: [Range<Int>] = []
        for range in ranges {
            if range.lowerBound < start { moved.append(range.lowerBound..<min(range.upperBound, start)) }
            if range.upperBound > end {
                let from = max(range.lowerBound, end)
                moved.append((from - change.deleting + inserted)..<(range.upperBound - change.deleting + inserted))
            }
        }
        if inserted > 0 { moved.append(start..<(start + inserted)) }
        return moved.filter { !$0.isEmpty }
    }

    private func keepConflict(_ text: String, because reason: String) {
        let url = URL(fileURLWithPath: file.path)
        let kept = FileStamp.unused(in: url.deletingLastPathComponent(), prefix: url.lastPathComponent + ".conflict-")
        do {
            try LocalFile.write(text, to: kept.path)
            report("\(file.path) \(reason): the document's text is kept, the file's is saved in \(kept.path)")
        } catch {
            report("\(file.path) \(reason): the document's text is kept, and the file's could not be saved (\(error))")
        }
    }
}

/// What tells one version of a file from another without reading it.
struct FileIdentity: Equatable {
    var size: Int64
    var modified: timespec
    var inode: UInt64

    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        size = Int64(status.st_size)
        modified = status.st_mtim
        inode = UInt64(status.st_ino)
    }

    static func == (left: FileIdentity, right: FileIdentity) -> Bool {
        left.size == right.size && left.inode == right.inode
            && left.modified.tv_sec == right.modified.tv_sec && left.modified.tv_nsec == right.modified.tv_nsec
    }
}
