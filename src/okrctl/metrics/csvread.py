"""Read CSV dumps exactly: encoding, delimiter and records with their line numbers."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from okrctl.core.encodings import DETECTED, family, looks_like
from okrctl.core.fileio import open_regular
from okrctl.core.i18n import msg

SNIFF_BYTES = 1 << 20


class CsvError(Exception):
    """A file that cannot be read as CSV at all; ``line`` where known. ``code`` is the
    data rule it breaks: D007 (bytes in no encoding okrctl can tell) or D010 (unreadable)."""

    def __init__(
        self, message: str, line: int = 0, hint: str | None = None, code: str = "D010"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint
        self.code = code


def wrong_encoding(declared: str, data: bytes, line: int, detail: str) -> CsvError:
    """D007 for bytes that do not read in the declared encoding, naming the encoding they
    look like (``this looks like GB18030``) when they read in one okrctl detects."""
    guess = looks_like(data, declared)
    if guess is None:
        return CsvError(
            msg("bytes that are not {encoding} ({detail})", encoding=declared, detail=detail),
            line,
            msg("declare the source's `encoding:` as the export writes it"),
            "D007",
        )
    return CsvError(
        msg(
            "the file is not {encoding} as its source declares ({detail}): this looks like {guess}",
            encoding=declared,
            detail=detail,
            guess=DETECTED[guess],
        ),
        line,
        msg(
            "declare `encoding: {guess}` on the source, or remove `encoding:` and okrctl "
            "detects it",
            guess=guess,
        ),
        "D007",
    )


def _check_declared(head: bytes, name: str) -> None:
    """Refuse a declared encoding the file's first bytes contradict (D007): bytes that do
    not decode in it, or UTF-8 text declared as something else, which would read as
    mojibake (中文 as 涓枃) without an error."""
    try:
        codecs.getincrementaldecoder(name)().decode(head, final=False)
    except UnicodeDecodeError as exc:
        line = head.count(b"\n", 0, exc.start) + 1
        raise wrong_encoding(
            name, head, line, msg("byte 0x{byte:02x}", byte=head[exc.start])
        ) from None
    except UnicodeError:
        return  # a codec's own complaint (utf-16 without a BOM): reading says it
    if family(name) != "utf-8" and looks_like(head, name) == "utf-8":
        first = next(i for i, byte in enumerate(head) if byte > 0x7F)
        line = head.count(b"\n", 0, first) + 1
        raise wrong_encoding(
            name, head, line, msg("its text is valid UTF-8 from line {line}", line=line)
        )


@dataclass(frozen=True, slots=True)
class Notice:
    """A problem worth reporting that does not stop reading."""

    message: str
    line: int = 0
    hint: str | None = None


@dataclass
class Dialect:
    encoding: str
    delimiter: str
    notices: list[Notice] = field(default_factory=list)


def detect_encoding(head: bytes, declared: str | None) -> tuple[str, list[Notice]]:
    """The encoding of a file from its first bytes: declared, BOM, UTF-8, else GB18030.

    Text that already went through a lossy conversion (U+FFFD replacement characters)
    is reported unless the source declares its encoding.
    """
    if declared:
        name = declared.lower().replace("_", "-")
        try:
            codecs.lookup(name)
        except LookupError:
            raise CsvError(
                msg("unknown encoding '{encoding}'", encoding=declared),
                hint=msg("use utf-8, utf-8-sig or gb18030"),
            ) from None
        if name in ("utf-8", "utf8") and head.startswith(codecs.BOM_UTF8):
            name = "utf-8-sig"
        _check_declared(head, name)
        return name, []
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvError(
            msg("file is UTF-16"),
            hint=msg("export as UTF-8 or GB18030, or declare `encoding: utf-16`"),
        )
    else:
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            decoder.decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            try:
                codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
            except UnicodeDecodeError as exc:
                line = head.count(b"\n", 0, exc.start) + 1
                raise CsvError(
                    msg(
                        "file is neither UTF-8 nor GB18030 (byte 0x{byte:02x})",
                        byte=head[exc.start],
                    ),
                    line,
                    msg("declare the export's `encoding:` on the source (e.g. latin-1)"),
                    "D007",
                ) from None
            encoding = "gb18030"
    notices = []
    text = head.decode(encoding, errors="ignore")
    if "\ufffd" in text:
        line = text.count("\n", 0, text.index("\ufffd")) + 1
        notices.append(
            Notice(
                msg(
                    "file holds U+FFFD replacement characters: an earlier conversion lost its "
                    "original encoding (often Latin-1 read as UTF-8)"
                ),
                line,
                msg("re-export in UTF-8 or GB18030, or declare `encoding:` to accept it as it is"),
            )
        )
    return encoding, notices


def decode_failed(exc: UnicodeDecodeError, encoding: str, line: int) -> CsvError:
    """D007 for a decoding error met while reading, at ``line`` (where the read stood)."""
    data = bytes(exc.object)
    detail = msg("byte 0x{byte:02x}", byte=data[exc.start])
    return wrong_encoding(encoding, data[exc.start :], line, detail)


def sniff_delimiter(sample: str, declared: str | None) -> str:
    """The field delimiter: declared, else whichever of , ; tab splits the header best."""
    if declared:
        return declared
    header = sample.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def open_dialect(
    path: Path, declared_encoding: str | None, declared_delimiter: str | None
) -> Dialect:
    with open_regular(path) as handle:  # a FIFO would stall the run: refused
        head = handle.read(SNIFF_BYTES)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        line = head.count(b"\n", 0, head.index(b"\x00")) + 1
        raise CsvError(msg("file holds a NUL byte: it is binary, not CSV"), line)
    encoding, notices = detect_encoding(head, declared_encoding)
    sample = head.decode(encoding, errors="ignore")
    return Dialect(encoding, sniff_delimiter(sample, declared_delimiter), notices)


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    cells: list[str]


def read_records(path: Path, dialect: Dialect) -> tuple[list[str], Iterator[Record]]:
    """The header and an iterator of records, each with the line it starts on.

    Raises ``CsvError`` for an empty file or undecodable bytes.
    """
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=dialect.encoding, newline="")
    reader = csv.reader(text, delimiter=dialect.delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        text.close()
        raise CsvError(
            msg("file is empty: not even a header"), 1, msg("export with a header row")
        ) from None
    except UnicodeDecodeError as exc:
        text.close()
        raise decode_failed(exc, dialect.encoding, 1) from None
    except UnicodeError as exc:  # a codec's own (utf-16: no BOM)
        text.close()
        raise CsvError(
            msg(
                "cannot read the header as {encoding}: {error}",
                encoding=dialect.encoding,
                error=str(exc),
            ),
            1,
            msg("declare the source's `encoding:` as the export writes it"),
            "D007",
        ) from None
    except csv.Error as exc:
        text.close()
        raise CsvError(msg("cannot read the header: {error}", error=str(exc)), 1) from None

    def records() -> Iterator[Record]:
        last = reader.line_num
        try:
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise CsvError(
                        msg("malformed CSV: {error}", error=str(exc)),
                        last + 1,
                        msg("check the quotes on this line"),
                    ) from None
                except UnicodeDecodeError as exc:
                    raise decode_failed(exc, dialect.encoding, last + 1) from None
                except UnicodeError as exc:
                    raise CsvError(
                        msg(
                            "bytes that are not {encoding}: {error}",
                            encoding=dialect.encoding,
                            error=str(exc),
                        ),
                        last + 1,
                        msg("declare the source's `encoding:`"),
                        "D007",
                    ) from None
                start, last = last + 1, reader.line_num
                if cells:
                    yield Record(start, cells)
        finally:
            text.close()

    return header, records()


def character_columns(
    path: Path, dialect: Dialect, wanted: dict[int, set[int]]
) -> dict[tuple[int, int], tuple[int, int]]:
    """Where cells start as an editor counts: ``{(record line, field number):
    (line, column)}`` for the 1-based field numbers ``wanted`` per record start line.

    One pass over the file, reading only up to the last wanted record; a quoted field may
    run over several lines, so a field can start on a later line than its record.
    """
    out: dict[tuple[int, int], tuple[int, int]] = {}
    if not wanted:
        return out
    last = max(wanted)
    scan: _FieldScan | None = None
    with path.open(encoding=dialect.encoding, errors="replace", newline="") as handle:
        for physical, text in enumerate(handle, start=1):
            if scan is None:
                if physical > last:
                    break
                if physical not in wanted:
                    continue
                scan = _FieldScan(physical, wanted[physical], dialect.delimiter)
            scan.feed(text, physical, out)
            if scan.done:
                scan = None
    return out


class _FieldScan:
    """Follows one record over its physical lines, noting where wanted fields start."""

    def __init__(self, record: int, fields: set[int], delimiter: str) -> None:
        self.record, self.fields, self.delimiter = record, fields, delimiter
        self.field, self.quoted, self.done = 1, False, False
        self.at_start = True

    def feed(self, text: str, line: int, out: dict[tuple[int, int], tuple[int, int]]) -> None:
        for index, char in enumerate(text):
            if self.at_start:
                self.at_start = False
                if self.field in self.fields:
                    out[(self.record, self.field)] = (line, index + 1)
            if char == '"':
                self.quoted = not self.quoted
            elif char == self.delimiter and not self.quoted:
                self.field += 1
                self.at_start = True
            elif char in "\r\n" and not self.quoted:
                self.done = True
                return
        if self.at_start and self.field in self.fields:
            out[(self.record, self.field)] = (line, len(text) + 1)
        if not self.quoted:
            self.done = True
