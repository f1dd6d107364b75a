import CZlib

/// zlib's deflate, whole buffers at a time: the relay packs the history it keeps with it.
enum Deflate {
    /// Why inflating failed: the bytes are not what `compress` wrote, or not all of it.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `bytes` deflated (zlib format, level 9: the history is written once and kept for good).
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard weft_deflate_init(&stream, 9) == Z_OK else {
            // Only out of memory: the process could not go on anyway.
            fatalError("zlib could not start deflating (out of memory)")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let written: Int = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                // deflateBound is enough for one call to finish.
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else {
                    fatalError("zlib could not deflate into the room deflateBound gave it")
                }
                return out.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }

    /// `bytes` inflated; `expectedCount` is the length they had before (kept beside them), and
    /// anything else is refused.
    static func decompress(_ bytes: [UInt8], expectedCount: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard weft_inflate_init(&stream) == Z_OK else {
            fatalError("zlib could not start inflating (out of memory)")
        }
        defer { inflateEnd(&stream) }
        // One byte more than expected, so that longer output is seen instead of cut.
        var output = [UInt8](repeating: 0, count: expectedCount + 1)
        let (status, written, unread) = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                let status = inflate(&stream, Z_FINISH)
                return (status, out.count - Int(stream.avail_out), Int(stream.avail_in))
            }
        }
        switch (status, written, unread) {
        case (Z_STREAM_END, expectedCount, 0):
            break
        case (Z_STREAM_END, expectedCount, _):
            throw Failure(description: "\(unread) bytes follow the end of its deflated data")
        case (Z_STREAM_END, _, _), (Z_BUF_ERROR, _, _):
            throw Failure(description: written > expectedCount ? "it inflates to more than the \(expectedCount) bytes it held"
                                                               : "it inflates to \(written) bytes, not the \(expectedCount) it held")
        default:
            // zlib's own status number would tell a reader nothing more.
            throw Failure(description: "its bytes or their checksum are not what was written")
        }
        output.removeLast()
        return output
    }
}
