import Foundation
import NIOSSL

extension TLSConfiguration {
    /// How a client of a relay (its WebSocket, its HTTP endpoints) checks a wss relay's
    /// certificate: the system's roots, or only those in `caFile` (PEM) when one is named.
    /// - Throws: `SyncError(.configuration)` when `caFile` cannot be read as certificates.
    static func relayClient(caFile: URL?) throws(SyncError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile.path))
            } catch {
                throw SyncError(.configuration, "cannot read the CA certificates in \(caFile.path) (PEM expected): \(error)")
            }
        }
        return tls
    }
}
