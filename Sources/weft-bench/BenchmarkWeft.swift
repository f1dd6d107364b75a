import Foundation

/// The `weft` executable built beside this benchmark (same build, same configuration): the relays
/// and commands a benchmark starts.
enum BenchmarkWeft {
    static var url: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("weft")
    }
}
