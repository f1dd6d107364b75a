/// The version `weft --version` prints.
enum WeftVersion {
    static let current = "0.1.0-dev"
}
