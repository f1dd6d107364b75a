import NIOCore
import NIOPosix

extension RelayStartError {
    /// Why listening on `host`:`port` failed, in words an operator can act on; nil for errors
    /// that are not about the address.
    public static func listening(_ error: any Error, host: String, port: Int) -> RelayStartError? {
        if let error = error as? IOError {
            switch error.errnoCode {
            case EADDRINUSE:
                return RelayStartError("\(host):\(port) is in use: another relay or program listens there (`weft relay status` lists the background relays; --listen takes another port)")
            case EACCES:
                return RelayStartError("listening on \(host):\(port) is not allowed for this user (ports below 1024 need privileges): --listen takes another port")
            case EADDRNOTAVAIL:
                return RelayStartError("\(host) is not an address of this machine: --listen takes one of its addresses, such as 127.0.0.1")
            default:
                return RelayStartError("cannot listen on \(host):\(port): \(String(cString: strerror(error.errnoCode)))")
            }
        }
        if error is SocketAddressError || error is SocketAddressError.UnknownHost {
            return RelayStartError("cannot listen on \(host):\(port): no such host or address (--listen takes HOST:PORT, for example 127.0.0.1:7878)")
        }
        return nil
    }
}
