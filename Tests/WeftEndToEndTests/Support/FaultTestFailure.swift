/// A fault test could not go on (a client failed, too few cuts); the message names the seed.
struct FaultTestFailure: Error, CustomStringConvertible {
    let description: String
}
