import Foundation
import WeftEditor

/// Writing to standard output as command-line tools do: when the reader has gone (`weft cat DOC |
/// head`), the process ends quietly by SIGPIPE, as `cat` does, instead of trapping on the error
/// Foundation's `FileHandle.write` raises.
public enum StandardOutput {
    /// Writes all of `data` to standard output.
    public static func write(_ data: Data) {
        data.withUnsafeBytes { write($0) }
    }

    /// Writes `text` for people to read: to a terminal with its controls made visible
    /// (`VisibleText.visible`), since others' text must not drive the terminal; to a pipe or a file as
    /// it is.
    public static func writeForPeople(_ text: String) {
        write(Data((isatty(STDOUT_FILENO) == 1 ? VisibleText.visible(text) : text).utf8))
    }

    /// Writes all of `bytes` to standard output.
    public static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    private static func write(_ buffer: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let written = Foundation.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                // EPIPE, or a stdout that cannot take more: end as a shell pipeline expects.
                signal(SIGPIPE, SIG_DFL)
                raise(SIGPIPE)
                exit(141)
            }
        }
    }
}
