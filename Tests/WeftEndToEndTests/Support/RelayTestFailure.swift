/// A relay test could not get as far as its assertions (the relay did not start, no welcome…).
struct RelayTestFailure: Error, CustomStringConvertible {
    let description: String
}
