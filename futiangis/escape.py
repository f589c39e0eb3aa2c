"""Attribute values are data: make them inert in spreadsheets and visible in terminals.

* :func:`neutralise_formula` — OWASP CSV-injection rule for a text cell of a CSV,
  Markdown (or any table a user may paste into a spreadsheet): a cell that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their full-width forms
  ``＝ ＋ － ＠``, which Chinese input methods type and spreadsheets also accept) gets a
  leading apostrophe, so Excel, LibreOffice and WPS show it as text instead of running it
  (``=HYPERLINK(...)``, ``=cmd|...``, ``@SUM(...)``). A text that *is* a plain number
  (``-12.5``) is left alone: numbers stay numbers.
* :func:`is_formula_like` — the same test, for writers with a native "this is text" flag
  (the XLSX writer stores such text as a string cell with Excel's quote prefix).
* :func:`escape_terminal` — every id, name and column name shown in a terminal message:
  control characters (ESC, CR, LF, BEL, DEL, C1) and bidirectional overrides become
  visible escapes (``\\x1b``, ``\\r``, ``\\n``, ``\\u202e``), so a feature id cannot clear
  the screen, colour a fake "OK", or forge message lines.
"""
from __future__ import annotations

import re

__all__ = ["FORMULA_TRIGGERS", "is_formula_like", "neutralise_formula", "escape_terminal"]

#: first characters that make a spreadsheet treat a cell as a formula (OWASP), plus the
#: full-width forms
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# C0 controls, DEL, C1 controls, and the bidirectional marks / overrides / isolates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_NL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet would read ``text`` as a formula (and it is not a plain number).

    Examples
    --------
    >>> is_formula_like('=HYPERLINK("http://x","y")'), is_formula_like("-12.5"), is_formula_like("a=b")
    (True, False, False)
    """
    stripped = text.lstrip(" ")
    return bool(stripped) and stripped.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(stripped)


def neutralise_formula(value):
    """Prefix a formula-like text cell with an apostrophe; anything else unchanged.

    Examples
    --------
    >>> neutralise_formula("=1+1"), neutralise_formula("@SUM(A1)"), neutralise_formula("-3")
    ("'=1+1", "'@SUM(A1)", '-3')
    >>> neutralise_formula(-3), neutralise_formula("福田")
    (-3, '福田')
    """
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def _escape_char(match: re.Match) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_terminal(value, *, keep_newlines: bool = False) -> str:
    """``str(value)`` with control characters and bidi overrides shown as escapes.

    ``keep_newlines=True`` keeps LF (for a multi-line message whose lines futiangis
    wrote, with every user value in it already escaped).

    Examples
    --------
    >>> escape_terminal("u1\\x1b[2J\\rOK: all valid\\nfake")
    'u1\\\\x1b[2J\\\\rOK: all valid\\\\nfake'
    """
    text = str(value)
    pattern = _UNSAFE_KEEP_NL if keep_newlines else _UNSAFE
    return pattern.sub(_escape_char, text)
