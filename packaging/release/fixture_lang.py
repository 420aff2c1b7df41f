"""Role: the sqllogictest dialect of docs/fixtures.md in Python, for fixture_check.py: parse a fixture,
plan it for a SQLite version, encode vg_driver's script, read its transcript, render and judge results.
A port of compat-matrix's FixtureParser, Gate*, DriverScript, DriverTranscript and Render* (same rules,
same messages where it matters), so prebuilt or emulated drivers are judged as the matrix judges them."""
import hashlib
import re
from dataclasses import dataclass, field

OPS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
       "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
SORTS = ("nosort", "rowsort", "valuesort")


class ParseError(Exception):
    def __init__(self, file, line, message):
        super().__init__(f"{file}:{line}: {message}")
        self.line = line


def version_tuple(text):
    parts = text.split(".")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts) + (0,) * (3 - len(parts))


@dataclass
class Gate:
    op: str
    version: tuple

    def holds(self, running):
        return OPS[self.op](running, self.version)

    def __str__(self):
        return f"sqlite {self.op} {'.'.join(map(str, self.version))}"


@dataclass
class Condition:
    kind: str  # skipif | onlyif
    engine: str
    gate: Gate = None

    def skips(self, running):
        matches = self.engine == "sqlite" and (self.gate is None or self.gate.holds(running))
        return matches if self.kind == "skipif" else not matches

    def __str__(self):
        return f"{self.kind} {self.gate or self.engine}"


@dataclass
class Statement:
    pattern: str  # None: `statement ok`; "": any error; else a regex the message must contain
    sql: str


@dataclass
class Query:
    types: str
    sort: str
    digits: int
    sql: str
    expected: list
    expected_line: int


@dataclass
class Record:
    line: int
    conditions: list
    kind: str  # statement | query | hash-threshold | halt
    body: object = None


@dataclass
class Fixture:
    requirements: list
    records: list


def parse_gate(tokens):
    if len(tokens) != 2 or tokens[0] not in OPS or version_tuple(tokens[1]) is None:
        return None
    return Gate(tokens[0], version_tuple(tokens[1]))


def _blank(line):
    return line.strip() == ""


def _comment(line):
    return line.lstrip().startswith("#")


def parse_fixture(text, name):
    lines = re.split(r"\r?\n", text)
    i = 0

    def error(message, line):
        return ParseError(name, line, message)

    def read_sql():
        nonlocal i
        sql = []
        while i < len(lines) and not _blank(lines[i]):
            if lines[i].strip() == "----":
                return "\n".join(sql), True
            if not _comment(lines[i]):
                sql.append(lines[i])
            i += 1
        return "\n".join(sql), False

    requirements, records = [], []
    while True:
        while i < len(lines) and (_blank(lines[i]) or _comment(lines[i])):
            i += 1
        if i >= len(lines):
            return Fixture(requirements, records)
        start = i + 1
        conditions = []
        while True:
            if i >= len(lines) or _blank(lines[i]):
                raise error(f"`{conditions[-1].kind if conditions else 'condition'}` is not followed by a record", i)
            if _comment(lines[i]):
                i += 1
                continue
            tokens = lines[i].split()
            if tokens[0] not in ("skipif", "onlyif"):
                break
            if len(tokens) < 2:
                raise error(f"`{tokens[0]}` needs an engine name", i + 1)
            gate = None
            if tokens[1] == "sqlite" and len(tokens) > 2:
                gate = parse_gate(tokens[2:])
                if gate is None:
                    raise error(f"bad version gate `{' '.join(tokens)}`", i + 1)
            conditions.append(Condition(tokens[0], tokens[1], gate))
            i += 1
        tokens = lines[i].split()
        head = tokens[0]
        if head == "require":
            gate = parse_gate(tokens[2:]) if len(tokens) == 4 and tokens[1] == "sqlite" else None
            if conditions or records or gate is None:
                raise error("bad or misplaced `require`", i + 1)
            requirements.append(gate)
            i += 1
        elif head == "statement":
            header = lines[i].strip()
            if tokens[1:] == ["ok"]:
                pattern = None
            elif len(tokens) >= 2 and tokens[1] == "error":
                pattern = header[len("statement"):].lstrip()[len("error"):].strip()
                try:
                    re.compile(pattern)
                except re.error:
                    raise error(f"invalid regular expression `{pattern}`", i + 1) from None
            else:
                raise error("expected `statement ok` or `statement error [regex]`", i + 1)
            i += 1
            sql, dashes = read_sql()
            if dashes or not sql:
                raise error("bad statement record", start)
            records.append(Record(start, conditions, "statement", Statement(pattern, sql)))
        elif head == "query":
            if len(tokens) < 2 or not tokens[1] or set(tokens[1]) - set("TIR"):
                raise error("bad or missing column types", i + 1)
            sort, digits, label = "nosort", 3, None
            for token in tokens[2:]:
                if token in SORTS:
                    sort = token
                elif token.startswith("digits="):
                    digits = int(token[7:]) if token[7:].isdigit() and int(token[7:]) <= 17 else None
                    if digits is None:
                        raise error(f"bad `{token}`: digits must be 0...17", i + 1)
                elif label is None:
                    label = token
                else:
                    raise error(f"unexpected `{token}` in query header", i + 1)
            i += 1
            sql, dashes = read_sql()
            if not sql:
                raise error("query without SQL", start)
            expected, expected_line = [], i + 2
            if dashes:
                i += 1
                while i < len(lines) and not _blank(lines[i]):
                    expected.append(lines[i])
                    i += 1
            records.append(Record(start, conditions, "query", Query(tokens[1], sort, digits, sql, expected, expected_line)))
        elif head in ("hash-threshold", "halt"):
            if head == "halt" and len(tokens) != 1 or head == "hash-threshold" and (len(tokens) != 2 or not tokens[1].isdigit()):
                raise error(f"bad `{head}` record", i + 1)
            records.append(Record(start, conditions, head, int(tokens[1]) if head == "hash-threshold" else None))
            i += 1
        else:
            raise error(f"unknown record kind `{head}`", i + 1)


@dataclass
class Planned:
    record: Record
    skip: str
    hash_threshold: int

    def verdict(self, run):
        """(outcome, message, details) of what the driver reported for this record."""
        body = self.record.body
        if self.record.kind == "statement":
            return judge_statement(body, run.error)
        if run.error is not None:
            return "failed", f"query failed: {run.error}", f"SQL:\n{body.sql}"
        return judge_query(body, run.rows, self.hash_threshold)


def plan(fixture, running):
    """Statement and query records up to an active `halt`, each with its skip reason (or None)."""
    shown = ".".join(map(str, running))
    file_skip = next((f"require {g} (running {shown})" for g in fixture.requirements if not g.holds(running)), None)
    planned, threshold = [], 0
    for record in fixture.records:
        skip = file_skip or next((f"{c} (running {shown})" for c in record.conditions if c.skips(running)), None)
        if record.kind == "hash-threshold":
            threshold = record.body if skip is None else threshold
        elif record.kind == "halt":
            if skip is None:
                break
        else:
            planned.append(Planned(record, skip, threshold))
    return planned


def encode_script(records):
    """vg_driver's framed script from (line, is_query, sql) triples."""
    out = bytearray()
    for line, is_query, sql in records:
        data = sql.encode()
        out += f"{'Q' if is_query else 'S'} {line} {len(data)}\n".encode() + data + b"\n"
    return bytes(out)


@dataclass
class RecordRun:
    line: int
    rows: list
    error: str
    seconds: float


@dataclass
class Transcript:
    """vg_driver's stdout, as far as it got (the protocol is at the top of vg_driver.c)."""
    raw: bytes
    sqlite: str = None
    load: str = None  # "ok", or the load error message
    records: list = field(default_factory=list)
    running: int = None
    finished: bool = False
    protocol_error: str = None

    def __post_init__(self):
        self._at = 0
        try:
            self._read()
        except EOFError:
            pass
        except ValueError:
            self.protocol_error = f"unexpected driver output at byte {self._at}"

    def _line(self):
        end = self.raw.find(b"\n", self._at)
        if end < 0:
            raise EOFError
        text, self._at = self.raw[self._at:end].decode(errors="replace"), end + 1
        return text

    def _framed(self, count):
        n = int(count)
        if len(self.raw) - self._at < n + 1:
            raise EOFError
        if self.raw[self._at + n] != 0x0A:
            raise ValueError
        data, self._at = self.raw[self._at:self._at + n], self._at + n + 1
        return data

    def _value(self):
        words = self._line().split(" ")
        if words == ["n"]:
            return None
        if words[0] == "i" and len(words) == 2:
            return int(words[1])
        if words[0] == "r" and len(words) == 3:
            return (float(words[1]), self._framed(words[2]).decode(errors="replace"))
        if words[0] in ("t", "b") and len(words) == 2:
            return (words[0], self._framed(words[1]))
        raise ValueError

    def _read(self):
        header = self._line().split(" ", 2)
        if len(header) < 2 or header[0] != "SQLITE":
            raise ValueError
        self.sqlite = header[1]
        load = self._line()
        if load == "LOAD OK":
            self.load = "ok"
        elif load.startswith("LOAD ERR "):
            self.load = self._framed(load[9:]).decode(errors="replace")
        else:
            raise ValueError
        while True:
            line = self._line()
            if line == "DONE":
                self.finished = True
                return
            if not line.startswith("BEGIN "):
                raise ValueError
            self.running = int(line[6:])
            rows = []
            while True:
                words = self._line().split(" ", 2)
                if words[0] == "ROW" and len(words) == 2:
                    rows.append([self._value() for _ in range(int(words[1]))])
                elif words[0] == "OK" and len(words) == 2:
                    self.records.append(RecordRun(self.running, rows, None, float(words[1]) / 1e6))
                    break
                elif words[0] == "ERR" and len(words) == 3:
                    message = self._framed(words[2]).decode(errors="replace")
                    self.records.append(RecordRun(self.running, rows, message, float(words[1]) / 1e6))
                    break
                else:
                    raise ValueError
            self.running = None


def leading_integer(data):
    m = re.match(rb"[ \t\n\v\f\r]*([-+]?)([0-9]*)", data)
    v = int(m[2] or b"0") * (-1 if m[1] == b"-" else 1)
    return max(-2 ** 63, min(2 ** 63 - 1, v))


def leading_real(data):
    m = re.match(rb"[ \t\n\v\f\r]*([-+]?)([0-9]*)(?:\.([0-9]*))?((?:[eE][-+]?[0-9]+)?)", data)
    if not m[2] and not m[3]:
        return 0.0
    return float(b"%s%s.%s%s" % (m[1], m[2] or b"0", m[3] or b"0", m[4]))


def integer_value(v):
    if isinstance(v, int):
        return v
    if isinstance(v, tuple) and isinstance(v[0], float):
        x = v[0]
        return 0 if x != x else -2 ** 63 if x <= -9.223372036854775808e18 else 2 ** 63 - 1 if x >= 9.223372036854775807e18 else int(x)
    return leading_integer(v[1])


def real_value(v):
    if isinstance(v, int):
        return float(v)
    if isinstance(v[0], float):
        return v[0]
    return leading_real(v[1])


def text_value(v):
    """The `T` rendering: the text (or the REAL's own text), "(empty)", control characters as "@"."""
    data = b"NULL" if v is None else str(v).encode() if isinstance(v, int) else v[1].encode() if isinstance(v[0], float) else v[1]
    if not data:
        return "(empty)"
    return bytes(0x40 if b < 0x20 or b == 0x7F else b for b in data).decode(errors="replace")


def render(v, kind, digits):
    if v is None:
        return "NULL"
    if kind == "I":
        return str(integer_value(v))
    if kind == "R":
        return "%.*f" % (digits, real_value(v))
    return text_value(v)


def hash_line(values):
    return f"{len(values)} values hashing to {hashlib.md5(''.join(v + chr(10) for v in values).encode()).hexdigest()}"


def judge_statement(statement, error):
    if statement.pattern is None:
        return ("passed", "", "") if error is None else ("failed", f"statement failed: {error}", f"SQL:\n{statement.sql}")
    if error is None:
        return "failed", "statement succeeded, expected an error", f"SQL:\n{statement.sql}"
    if not statement.pattern or re.search(statement.pattern, error):
        return "passed", "", ""
    return "failed", f"error message does not match /{statement.pattern}/: {error}", f"SQL:\n{statement.sql}"


def judge_query(query, rows, threshold):
    if rows and len(rows[0]) != len(query.types):
        return "failed", f"query returned {len(rows[0])} columns, its types `{query.types}` declare {len(query.types)}", ""
    rendered = [[render(v, query.types[c] if c < len(query.types) else "T", query.digits) for c, v in enumerate(row)]
                for row in rows]
    if query.sort == "rowsort":
        rendered.sort(key=lambda row: [v.encode() for v in row])
    values = [v for row in rendered for v in row]
    if query.sort == "valuesort":
        values.sort(key=str.encode)
    expects_hash = len(query.expected) == 1 and re.fullmatch(r"[0-9]+ values hashing to [0-9a-f]{32}", query.expected[0])
    hashed = bool(expects_hash) or (threshold > 0 and len(values) > threshold)
    actual = [hash_line(values)] if hashed else values
    expected = [hash_line(query.expected)] if hashed and not expects_hash else query.expected
    if actual == expected:
        return "passed", "", ""
    i = next((k for k, (e, a) in enumerate(zip(expected, actual)) if e != a), min(len(expected), len(actual)))
    if i < len(expected) and i < len(actual):
        message = f"result mismatch at line {query.expected_line + i}: expected `{expected[i]}`, got `{actual[i]}`"
    elif i < len(expected):
        message = f"result too short: {len(actual)} values, expected `{expected[i]}` at line {query.expected_line + i}"
    else:
        message = f"result too long: unexpected value `{actual[i]}` after {len(expected)} expected values"
    details = "SQL:\n" + query.sql + "\n\nexpected:\n" + "\n".join(expected[:200]) + "\n\nactual:\n" + "\n".join(actual[:200])
    return "failed", message, details
