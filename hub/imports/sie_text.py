"""The text layer of SIE files: bytes to lines (CP437 "PC8", or UTF-8 where the file proves it)
and lines to fields (tab or space separated, quoted fields with backslash escapes, `{}` object
lists). Streamed: memory does not grow with the file."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator

# A UTF-8 lead byte followed by its continuation bytes: text written as UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
REPLACEMENT = "\ufffd"


class EncodingProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _utf8_proven(data: bytes) -> bool:
    """Whether the first non-ASCII bytes are a UTF-8 sequence."""
    first = _NON_ASCII.search(data)
    return first is not None and _UTF8_SEQUENCE.match(data, first.start()) is not None


def decoded_blocks(chunks: Iterable[bytes]) -> Iterator[tuple[str, int, int]]:
    """The file as text in blocks of whole lines (joined by LF, a CR of CRLF kept: it is white
    space), each with the number of lines before it and the bytes read so far.

    SIE 4B says PC8 (CP437). A file is read as UTF-8 when its first non-ASCII bytes form a UTF-8
    sequence (whatever `#FORMAT` says: programs write UTF-8 and keep the label); a UTF-8 file
    with a byte that is not UTF-8 later on, or one whose letters were replaced by U+FFFD in a
    lossy conversion, is refused at that line.
    """
    decoder: codecs.IncrementalDecoder | None = None
    lines_before = 0
    done = 0
    rest = ""
    for chunk in chunks:
        done += len(chunk)
        if decoder is None and not chunk.isascii():
            decoder = codecs.getincrementaldecoder("utf-8" if _utf8_proven(chunk) else "cp437")()
        if decoder is None:
            text = chunk.decode("ascii")
        else:
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as error:
                data = error.object
                line = lines_before + data.count(b"\n", 0, error.start) + 1
                raise EncodingProblem(
                    line,
                    f"byte 0x{data[error.start]:02X} is not UTF-8, while the file's earlier "
                    "letters are UTF-8: the file mixes encodings; export it again",
                ) from error
        text = rest + text
        end = text.rfind("\n")
        if end < 0:
            rest = text
            continue
        block, rest = text[:end], text[end + 1 :]
        if REPLACEMENT in block:
            _refuse_damaged(block.split("\n"), lines_before)
        yield block, lines_before, done
        lines_before += block.count("\n") + 1
    if decoder is not None:
        rest += decoder.decode(b"", final=True)
    if rest:
        _refuse_damaged([rest], lines_before)
        yield rest, lines_before, done


def _refuse_damaged(lines: list[str], lines_before: int) -> None:
    for index, line in enumerate(lines):
        if REPLACEMENT in line:
            raise EncodingProblem(lines_before + index + 1, _DAMAGED)


_DAMAGED = (
    "the text is damaged: letters were replaced by '\ufffd' (the file went through a lossy "
    "encoding conversion); export it again from the accounting program"
)

# A quoted field (backslash escapes), an object list, or a bare field.
_FIELD = re.compile(r'"((?:[^"\\]|\\.)*)"?|(\{[^}]*\})|([^\s"]+)')
_ESCAPE = re.compile(r"\\(.)")


def fields(line: str) -> list[str]:
    """The fields of one line; an object list stays one field, braces included."""
    out = []
    for quoted, objects, bare in _FIELD.findall(line):
        if objects:
            out.append(objects)
        elif bare:
            out.append(bare)
        else:
            out.append(_ESCAPE.sub(r"\1", quoted) if "\\" in quoted else quoted)
    return out
