import WeftEditor

/// What `weft edit` and `weft view` ask of the screen: which document or text, and how to show it.
struct ScreenLaunch: Sendable {
    /// `edit` or `view`, for messages.
    var command: String
    /// A document (URL or name), a file path, or `-` for standard input.
    var document: String
    var keymap: String?
    var theme: String?
    var name: String?
    /// Read-only paging with less's keys (the relay is told so in the hello).
    var pager: Bool
    var wrap: Bool?
    var lineNumbers: Bool
    /// Start following the end (less's `+F`).
    var follow: Bool
    var token: String?
    var caFile: String?
    /// The pager's less options: case rule, colours, start command.
    var paging = PagerOptions()
}
