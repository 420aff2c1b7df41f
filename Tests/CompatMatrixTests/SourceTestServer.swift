// A loopback HTTP server for the source tests (python3's http.server on 127.0.0.1, a free port):
// /files/NAME serves a file from a folder, /status/CODE/NAME answers with that HTTP status,
// /close/NAME closes the connection without answering. Every request path is appended to a log.
import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

struct SourceTestServer {
    let base: URL
    let log: URL

    /// Paths requested so far.
    var requests: [String] {
        (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }

    static let script = #"""
    import http.server, sys, os
    root, log = sys.argv[1], sys.argv[2]
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def do_GET(self):
            with open(log, "a") as f: f.write(self.path + "\n")
            parts = self.path.split("/")
            if parts[1] == "files" and os.path.isfile(os.path.join(root, parts[2])):
                data = open(os.path.join(root, parts[2]), "rb").read()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            elif parts[1] == "status":
                self.send_error(int(parts[2]))
            elif parts[1] == "close":
                self.close_connection = True
            else:
                self.send_error(404)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#

    /// Serves `folder` while `body` runs.
    static func with<R: Sendable>(serving folder: URL, _ body: (SourceTestServer) async throws -> R) async throws -> R {
        let log = folder.deletingLastPathComponent().appendingPathComponent("requests-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let outcome = try await Subprocess.run(
            .path("/usr/bin/python3"), arguments: ["-c", script, folder.path, log.path],
            input: .none, output: .sequence, error: .discarded
        ) { execution in
            var port = ""
            for try await line in execution.standardOutput.strings() {
                port = line.trimmingCharacters(in: .whitespaces)
                break
            }
            let server = SourceTestServer(base: URL(string: "http://127.0.0.1:\(port)/")!, log: log)
            let result: Result<R, Error>
            do { result = .success(try await body(server)) } catch { result = .failure(error) }
            try execution.send(signal: .terminate)
            return result
        }
        return try outcome.closureResult.get()
    }
}
