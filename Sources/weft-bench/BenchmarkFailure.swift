/// A benchmark whose result is wrong: it stops with this instead of printing figures.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
