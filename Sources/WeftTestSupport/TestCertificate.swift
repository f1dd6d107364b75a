import Foundation

/// A self-signed certificate for `localhost` and 127.0.0.1, made with the `openssl` tool, for
/// tests of wss.
public struct TestCertificate {
    public let certificate: URL
    public let key: URL

    /// Writes `cert.pem` and `key.pem` into `directory` (which must exist).
    public init(in directory: URL) throws {
        certificate = directory.appendingPathComponent("cert.pem")
        key = directory.appendingPathComponent("key.pem")
        let openssl = try ChildProcess(URL(fileURLWithPath: "/usr/bin/openssl"), arguments: ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                             "-keyout", key.path, "-out", certificate.path],
                                       standardInput: .null, standardOutput: .null, standardError: .null)
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw HarnessError("openssl could not make a test certificate") }
    }

    /// The relay's arguments to serve wss with this certificate.
    public var relayArguments: [String] { ["--tls-cert", certificate.path, "--tls-key", key.path] }
}
