import Foundation

extension RelayStore {
    /// The relay's clock when it commits, in milliseconds since 1970: recorded with each batch for
    /// people (blame, log, `--at TIME`); nothing is ever ordered by it, so clocks that disagree
    /// between relays make times look odd, never text wrong.
    static func nowMilliseconds() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000) }
}
