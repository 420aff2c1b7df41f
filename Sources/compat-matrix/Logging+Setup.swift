// Sends swift-log output to standard error, at info level (debug with COMPAT_MATRIX_DEBUG=1).
import Foundation
import Logging

enum LoggingSetup {
    static func logger() -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["COMPAT_MATRIX_DEBUG"] == "1" ? .debug : .info
            return handler
        }
        return Logger(label: "compat-matrix")
    }
}
