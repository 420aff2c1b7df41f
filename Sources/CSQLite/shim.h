/* The system SQLite's API (libsqlite3-dev), for Swift tests that load the extension into it. */
#include <sqlite3.h>
