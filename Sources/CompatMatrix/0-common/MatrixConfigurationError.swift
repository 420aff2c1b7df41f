// The error for bad usage or configuration: the CLI maps it to exit status 2.

public struct MatrixConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
