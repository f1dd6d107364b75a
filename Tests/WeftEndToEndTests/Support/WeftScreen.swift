import Foundation
import WeftTestSupport

/// `weft ARGUMENTS` in its own tmux window, as a user runs it: its own `WEFT_HOME`, a UTF-8
/// locale, `TERM` for tmux unless `environment` says otherwise.
func weftScreen(_ arguments: [String], home: URL, user: String = "me", server: String? = nil, environment: [String: String] = [:],
                width: Int = 100, height: Int = 30) throws -> TmuxSession {
    var variables = ["WEFT_HOME": home.path, "USER": user, "TERM": "tmux-256color", "LANG": "C.UTF-8"]
    if let server { variables["WEFT_SERVER"] = server }
    variables.merge(environment) { $1 }
    return try TmuxSession([try BuiltProduct.url("weft").path] + arguments, environment: variables, width: width, height: height)
}

/// A document on a relay that is never there (wss to a port nothing listens on: never local
/// enough for `weft edit` to start a relay), for what works offline.
func offlineDocument(_ name: String) -> String {
    "wss://127.0.0.1:\(unusedLoopbackPort())/\(name)"
}
