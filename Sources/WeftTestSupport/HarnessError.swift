/// The test harness itself could not do its part (start a program, open a socket, read an
/// example), as opposed to the product failing a check: a failure of this type says to look at
/// the machine or the harness, not at Weft.
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
