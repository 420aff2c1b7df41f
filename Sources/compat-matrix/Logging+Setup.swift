// Sends swift-log output to standard error: info level, or warnings only when stdout is a terminal
// (the live progress line says the rest); debug with COMPAT_MATRIX_DEBUG=1.
import Foundation
import Logging

enum LoggingSetup {
    static func logger() -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            let debug = ProcessInfo.processInfo.environment["COMPAT_MATRIX_DEBUG"] == "1"
            handler.logLevel = debug ? .debug : isatty(1) == 1 ? .warning : .info
            return handler
        }
        return Logger(label: "compat-matrix")
    }
}
