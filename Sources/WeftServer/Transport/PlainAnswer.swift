import NIOCore

/// A complete HTTP/1.1 answer with a plain-text body, written as raw bytes before any HTTP
/// handler exists for the connection (a refusal at accept time) or after the HTTP decoder gave up
/// on it (a request it cannot parse). Always closes the connection.
struct PlainAnswer: Sendable {
    let status: Int
    let reason: String
    let body: String
    /// Seconds after which a refused client may try again (`Retry-After`).
    var retryAfter: Int?

    static func badRequest() -> PlainAnswer {
        PlainAnswer(status: 400, reason: "Bad Request", body: "the request could not be read as HTTP/1.1")
    }

    static func requestTimeout(_ limit: Duration) -> PlainAnswer {
        PlainAnswer(status: 408, reason: "Request Timeout", body: "no complete request within \(limit.wholeSeconds) seconds")
    }

    static func refused(_ refusal: ConnectionMetrics.Refusal, limit: Int) -> PlainAnswer {
        let body = switch refusal {
        case .total: "this relay is serving as many connections as it may (\(limit)); try again later"
        case .perAddress: "this relay already has \(limit) connections from your address, as many as it allows one address; close some or try again later"
        case .stopping: "this relay is stopping; try again in a moment"
        }
        return PlainAnswer(status: 503, reason: "Service Unavailable", body: body, retryAfter: 5)
    }

    func bytes(allocator: ByteBufferAllocator) -> ByteBuffer {
        let text = body + "\n"
        var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/plain; charset=utf-8\r\n"
        head += "Content-Length: \(text.utf8.count)\r\nConnection: close\r\n"
        if let retryAfter { head += "Retry-After: \(retryAfter)\r\n" }
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
