import Foundation
import WeftEditor

/// Text for the pager that is not a shared document: a file, or standard input.
public enum LocalText {
    /// Whether `argument` names standard input (`-`) or a file rather than a document. Document
    /// names may contain slashes (team/plan): only a path that exists, or one written as a path,
    /// is a file.
    public static func namesFileOrInput(_ argument: String) -> Bool {
        argument == "-" || FileManager.default.fileExists(atPath: argument)
            || argument.hasPrefix("/") || argument.hasPrefix("./") || argument.hasPrefix("../")
    }

    /// The descriptor to read and the name to show, or nil when `argument` names a document.
    /// For `-`, standard input is kept for the text and the keys come from /dev/tty instead;
    /// without a controlling terminal (cron, `ssh host cmd`) standard input stays as it is, and
    /// the text is then copied through, as less does.
    /// - Throws: a message for the user when the file cannot be opened.
    static func open(_ argument: String) throws -> (descriptor: Int32, name: String)? {
        if argument == "-" {
            // As less's "Missing filename": keys typed would become the text.
            guard isatty(STDIN_FILENO) == 0 else {
                throw LocalTextError("standard input is the terminal, so `-` has no text to read: pipe text in (for example `ls | weft view -`) or name a file")
            }
            let data = dup(STDIN_FILENO)
            guard data >= 0 else { throw LocalTextError("cannot read standard input: \(String(cString: strerror(errno)))") }
            if isatty(STDIN_FILENO) == 0 {
                let tty = Foundation.open("/dev/tty", O_RDWR)
                if tty >= 0 {
                    dup2(tty, STDIN_FILENO)
                    close(tty)
                }
            }
            return (data, "standard input")
        }
        guard namesFileOrInput(argument) else { return nil }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory)
        guard exists else { throw LocalTextError("\(argument): no such file") }
        guard !isDirectory.boolValue else { throw LocalTextError("\(argument) is a directory") }
        let descriptor = Foundation.open(argument, O_RDONLY)
        guard descriptor >= 0 else { throw LocalTextError("\(argument): \(String(cString: strerror(errno)))") }
        return (descriptor, (argument as NSString).lastPathComponent)
    }
}

struct LocalTextError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Reads a descriptor on its own thread and hands the text over in pieces, waiting for each to
/// be taken before reading on (a pipe that never ends must not fill memory).
final class TextStreamReader: @unchecked Sendable {
    private let descriptor: Int32
    private let deliver: @Sendable (String) -> Void
    private let ended: @Sendable (String?) -> Void
    private let taken = DispatchSemaphore(value: 0)
    /// Whether the descriptor is a regular file (of a known, finite size), not a pipe.
    let readsFile: Bool

    init(descriptor: Int32, deliver: @escaping @Sendable (String) -> Void, ended: @escaping @Sendable (String?) -> Void) {
        self.descriptor = descriptor
        self.deliver = deliver
        self.ended = ended
        var status = stat()
        readsFile = fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "weft-text"
        thread.start()
    }

    /// The loop took the last piece.
    func pieceTaken() { taken.signal() }

    private func run() {
        var decoder = UTF8StreamDecoder()
        // A small first read, so the first screen shows at once; then larger ones.
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var want = 64 << 10
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, want) }
            if count < 0, errno == EINTR { continue }
            if count < 0 {
                ended("reading stopped: \(String(cString: strerror(errno)))")
                break
            }
            if count == 0 {
                let rest = decoder.finish()
                if !rest.isEmpty { hand(rest) }
                ended(nil)
                break
            }
            let text = decoder.decode(buffer[..<count])
            if !text.isEmpty { hand(text) }
            want = buffer.count
        }
        close(descriptor)
    }

    private func hand(_ text: String) {
        deliver(text)
        taken.wait()
    }
}
