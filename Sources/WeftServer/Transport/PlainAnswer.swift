import NIOCore

/// A complete HTTP/1.1 answer with a plain-text body, written as raw bytes where no HTTP handler
/// can: after the HTTP decoder gave up on a request, or when no request came in time. Always
/// closes the connection.
struct PlainAnswer: Sendable {
    let status: Int
    let reason: String
    let body: String

    static func badRequest() -> PlainAnswer {
        PlainAnswer(status: 400, reason: "Bad Request", body: "the request could not be read as HTTP/1.1")
    }

    static func requestTimeout(_ limit: Duration) -> PlainAnswer {
        PlainAnswer(status: 408, reason: "Request Timeout", body: "no complete request within \(limit.wholeSeconds) seconds")
    }

    func bytes(allocator: ByteBufferAllocator) -> ByteBuffer {
        let text = body + "\n"
        var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/plain; charset=utf-8\r\n"
        head += "Content-Length: \(text.utf8.count)\r\nConnection: close\r\n"
        var buffer = allocator.buffer(capacity: head.utf8.count + text.utf8.count + 2)
        buffer.writeString(head + "\r\n" + text)
        return buffer
    }
}

extension Duration {
    /// Whole seconds, rounded up, for messages ("within 5 seconds").
    var wholeSeconds: Int64 {
        let (seconds, attoseconds) = components
        return attoseconds > 0 ? seconds + 1 : seconds
    }
}
