import Hummingbird
import NIOCore

extension Request {
    /// The token of `Authorization: Bearer TOKEN`, "" when there is none.
    var bearerToken: String {
        let authorization = headers[.authorization] ?? ""
        return authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst("Bearer ".count)) : ""
    }
}

extension Response {
    /// An answer in plain words, one line.
    static func plainText(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
