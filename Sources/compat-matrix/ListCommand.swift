// `compat-matrix list`: prints the manifest and what of it is cached or mirrored.
import ArgumentParser
import CompatMatrix
import Foundation

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Print the manifest: versions, dates, feature gates, sources and what is cached.")

    @OptionGroup var shared: SharedOptions

    func run() async throws {
        let options = try shared.matrixOptions()
        let manifest = try Manifest.load(from: options.manifest)
        let preparer = SourcePreparer(cache: SourceCache(root: options.cache), mirrors: options.mirrors,
                                      offline: options.offline, allowUnverified: options.allowUnverified,
                                      logger: LoggingSetup.logger())
        let system = BuilderHeaders.system(in: options.systemInclude)?.version
        print(ManifestListing.text(manifest, preparer: preparer, systemVersion: system))
    }
}
