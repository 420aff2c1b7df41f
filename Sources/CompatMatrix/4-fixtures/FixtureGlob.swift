// Glob matching for fixture selection: `*` (within a folder), `**` (across folders), `?` (one character).

/// Whether `path` (relative, `/`-separated) matches `pattern`. `**/` also matches no folder at all.
public func globMatches(_ pattern: String, _ path: String) -> Bool {
    matches(Array(pattern.unicodeScalars), 0, Array(path.unicodeScalars), 0)
}

private func matches(_ p: [Unicode.Scalar], _ pi: Int, _ s: [Unicode.Scalar], _ si: Int) -> Bool {
    if pi == p.count { return si == s.count }
    if p[pi] == "*" {
        if pi + 1 < p.count, p[pi + 1] == "*" {
            var next = pi + 2
            if next < p.count, p[next] == "/" {
                // `**/`: zero folders, or any prefix ending in "/".
                next += 1
                if matches(p, next, s, si) { return true }
                for i in si..<s.count where s[i] == "/" && matches(p, next, s, i + 1) { return true }
                return false
            }
            for i in si...s.count where matches(p, next, s, i) { return true }
            return false
        }
        var i = si
        while true {
            if matches(p, pi + 1, s, i) { return true }
            if i == s.count || s[i] == "/" { return false }
            i += 1
        }
    }
    guard si < s.count else { return false }
    if p[pi] == "?" { return s[si] != "/" && matches(p, pi + 1, s, si + 1) }
    return p[pi] == s[si] && matches(p, pi + 1, s, si + 1)
}
