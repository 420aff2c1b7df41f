// `compat-matrix merge-junit OUT IN...`: merges the JUnit files of --shard runs into one.
import ArgumentParser
import CompatMatrix
import Foundation

struct MergeJUnitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-junit", abstract: "Merge JUnit XML files (e.g. one per --shard) into one.")

    @Option(name: .shortAndLong, help: "Where to write the merged file.")
    var output: String

    @Argument(help: "The JUnit files to merge.")
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one JUnit file to merge") }
    }

    func run() async throws {
        let documents = try inputs.map { path in
            do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw MatrixConfigurationError("cannot read \(path): \(error.localizedDescription)")
            }
        }
        let merged: String
        do { merged = try mergeJUnit(documents) } catch {
            throw MatrixConfigurationError("cannot merge: \(error)")
        }
        try merged.write(toFile: output, atomically: true, encoding: .utf8)
    }
}
