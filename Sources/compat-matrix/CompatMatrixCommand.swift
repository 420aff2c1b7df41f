// The compat-matrix executable: the root command, its subcommands (run is the default), and the
// exit statuses: 0 all passed, 1 a case failed, 2 bad usage or configuration.
import ArgumentParser
import CompatMatrix
import Foundation

@main
struct CompatMatrixCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat-matrix",
        abstract: "Fetch, build and test vec_graph on every SQLite release, under ASan/UBSan.",
        subcommands: [RunCommand.self, ListCommand.self, MergeJUnitCommand.self],
        defaultSubcommand: RunCommand.self)

    /// Parses and runs, mapping every usage or configuration error to exit status 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = error is MatrixConfigurationError ? "error: \(error)" : fullMessage(for: error)
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
