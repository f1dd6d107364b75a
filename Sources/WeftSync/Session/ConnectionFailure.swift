import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import WSClient

/// Why a connection to a relay failed, in plain words for the status line and the shell: the
/// networking libraries' own errors (`NIOConnectionError`, `IOError`, `NIOSSLError`, …) describe
/// themselves for their authors, not for the person at the terminal.
enum ConnectionFailure {
    /// What went wrong connecting to (or talking with) `address`, and what to do where there is
    /// something to do.
    /// What a refused connection says: nothing listens at `place`.
    static func nothingListening(at place: String) -> String { "nothing answers at \(place); is the relay running?" }

    /// Whether `description` (from `describe`) says nothing listens at the relay's address.
    static func isNothingListening(_ description: String) -> Bool {
        description.hasPrefix("nothing answers at ") && description.hasSuffix("; is the relay running?")
    }

    static func describe(_ error: any Error, address: DocumentAddress) -> String {
        let place = "\(address.host):\(address.port)"
        if let error = error as? SyncError { return error.description }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return "cannot find the host \(address.host) (check the server address)"
            }
            let codes = error.connectionErrors.compactMap { ($0.error as? IOError)?.errnoCode }
            if codes.contains(ECONNREFUSED) { return nothingListening(at: place) }
            if codes.contains(ENETUNREACH) || codes.contains(EHOSTUNREACH) { return "the network cannot reach \(address.host)" }
            if error.connectionErrors.contains(where: { if case .connectTimeout = $0.error as? ChannelError { true } else { false } }) {
                return "no answer from \(place) (the network or the relay is slow or down)"
            }
            return "cannot connect to \(place)"
        }
        if let error = error as? ChannelError {
            if case .connectTimeout = error { return "no answer from \(place) (the network or the relay is slow or down)" }
            return "the connection to \(place) closed"

        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNRESET, EPIPE: return "the connection to \(place) was cut"
            case ETIMEDOUT: return "the connection to \(place) timed out"
            case ECONNREFUSED: return nothingListening(at: place)
            default: return "the connection to \(place) failed (\(String(cString: strerror(error.errnoCode))))"
            }
        }
        if error is NIOSSLError || error is BoringSSLError {
            return "the secure connection to \(place) failed (a certificate this machine does not trust? `--ca-file` names one to trust)"
        }
        if let error = error as? WebSocketClientError {
            switch error {
            case .webSocketUpgradeFailed: return "\(place) did not accept a WebSocket connection; is it a Weft relay, and is the address right?"
            case .serverSentMessageTooLarge: return "the relay at \(place) sent a message larger than this client accepts"
            case .invalidURL: return "\(address) is not an address this client can connect to"
            default: return "the relay at \(place) broke the WebSocket protocol"
            }
        }
        return "the connection to \(place) failed"
    }
}
