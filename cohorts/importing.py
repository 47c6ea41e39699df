"""Parse invitation uploads: pasted addresses, CSV files and XLSX files.

Pure logic: no database, no models. Every valid row becomes an ``InvitationRow``;
every problem becomes a ``RowError`` with the line number a coordinator sees in
a spreadsheet (header = line 1, first data row = line 2) and a reason in plain
Dutch (B1). User input never raises: all problems end up in ``ParseResult.errors``.
A problem with the file as a whole (empty, too big, wrong type, corrupt) is a
single ``RowError`` with ``line == 0``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from cohorts.enums import OrganisationKind

__all__ = [
    "MAX_FIELD_LENGTH",
    "MAX_UPLOAD_BYTES",
    "InvitationRow",
    "ParseResult",
    "RowError",
    "check_upload_size",
    "parse_invitation_file",
    "parse_pasted_addresses",
]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_FIELD_LENGTH = 200
RAW_MAX_CHARS = 200
# Rows (blank ones included) we are willing to scan per max_rows data rows; guards
# against sheets with a million formatted but empty rows.
_SCAN_FACTOR = 10


def _(message: str) -> str:
    """Translate ``message``.

    Marked for ``makemessages`` like ``gettext``. Falls back to the Dutch source
    text when Django settings are not configured (pure unit runs); inside the
    project settings are always configured, so this is plain ``gettext``.
    """
    if not settings.configured:
        return message
    return gettext(message)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class InvitationRow:
    line: int
    email: str
    name: str = ""
    organisation: str = ""
    kind: str = ""  # "" or an OrganisationKind value


@dataclass(frozen=True)
class RowError:
    line: int  # 0 = the file as a whole
    reason: str
    raw: str = ""


@dataclass
class ParseResult:
    rows: list[InvitationRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Header cells that were not recognised and therefore ignored (file uploads only).
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is at least one row and no problem at all."""
        return bool(self.rows) and not self.errors

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def file_error(self) -> RowError | None:
        """The error about the file as a whole (line 0), if any."""
        return next((e for e in self.errors if e.line == 0), None)

    @property
    def emails(self) -> list[str]:
        return [row.email for row in self.rows]


def _file_error(reason: str) -> ParseResult:
    return ParseResult(errors=[RowError(line=0, reason=reason, raw="")])


# --------------------------------------------------------------------------- text helpers

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_ALLOWED_CONTROL = frozenset("\t\n\r")


def _shorten(text: str, limit: int = RAW_MAX_CHARS) -> str:
    text = text.rstrip("\r\n")
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def _clean_text(value: str) -> str:
    """NFC, no zero-width characters, all whitespace (NBSP too) collapsed to one space."""
    value = unicodedata.normalize("NFC", value).translate(_ZERO_WIDTH)
    return " ".join(value.split())


def _has_unreadable_chars(value: str) -> bool:
    return any(
        ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROL)
        for ch in value
    )


def _key(value: str) -> str:
    """Comparison key: no accents, case-folded, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped.casefold() if ch.isalnum())


_ANGLE_EMAIL = re.compile(r"<([^<>]*)>")


def _clean_email(value: str) -> str:
    value = _clean_text(value)
    match = _ANGLE_EMAIL.search(value)  # "Jan Jansen <jan@x.nl>" typed into the e-mail cell
    if match:
        value = match.group(1).strip()
    value = value.strip("\"'<>()[] ")
    if value.casefold().startswith("mailto:"):
        value = value[len("mailto:") :].strip()
    return value.lower()


def _is_valid_email(value: str) -> bool:
    if not value:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


# --------------------------------------------------------------------------- columns & kinds

_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("naam", "name", "volledige naam", "full name", "naam deelnemer"),
    "email": (
        "e-mail",
        "email",
        "e-mailadres",
        "emailadres",
        "e-mail adres",
        "mail",
        "mailadres",
        "email address",
        "e-mail address",
    ),
    "organisation": ("organisatie", "organisation", "organization", "organisatienaam"),
    "kind": (
        "soort",
        "kind",
        "type",
        "soort organisatie",
        "organisatiesoort",
        "type organisatie",
        "organisatietype",
    ),
}
_HEADER_KEYS: dict[str, str] = {
    _key(alias): column for column, aliases in _COLUMN_ALIASES.items() for alias in aliases
}

_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    OrganisationKind.GEMEENTE: ("gemeente", "gemeenten", "municipality"),
    OrganisationKind.ZORGAANBIEDER: (
        "zorgaanbieder",
        "zorgaanbieders",
        "aanbieder",
        "aanbieders",
        "provider",
        "care provider",
    ),
    OrganisationKind.CLIENTORGANISATIE: (
        "cliëntorganisatie",
        "clientorganisatie",
        "cliëntenorganisatie",
        "clientenorganisatie",
        "client organisation",
        "client organization",
    ),
    OrganisationKind.OVERIG: ("overig", "overige", "anders", "other"),
}
_KIND_KEYS: dict[str, str] = {
    _key(alias): str(kind.value) for kind, aliases in _KIND_ALIASES.items() for alias in aliases
}


def _match_header(cells: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """Map our column names to cell positions; also return the ignored header cells."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        text = _clean_text(cell)
        if not text:
            continue
        column = _HEADER_KEYS.get(_key(text))
        if column is None or column in positions:
            ignored.append(text)
        else:
            positions[column] = index
    return positions, ignored


def _missing_email_column_reason(cells: Sequence[str]) -> str:
    found = [_clean_text(c) for c in cells if _clean_text(c)]
    expected = _("naam, e-mail, organisatie, soort")
    if any(_is_valid_email(_clean_email(c)) for c in found):
        return _(
            "De eerste regel moet een kopregel zijn met de namen van de kolommen. "
            "Nu staat daar een e-mailadres. Zet bovenaan een regel met: %(expected)s. "
            "Alleen de kolom e-mail is verplicht."
        ) % {"expected": expected}
    return _(
        "De kolom met het e-mailadres ontbreekt. Gevonden kolommen: %(found)s. "
        "Verwachte kolommen: %(expected)s. Alleen de kolom e-mail is verplicht."
    ) % {"found": ", ".join(found) or _("geen"), "expected": expected}


# --------------------------------------------------------------------------- row checking


class _RowChecker:
    """Turns header-mapped cells into rows or errors; remembers e-mails for duplicates."""

    def __init__(self, positions: dict[str, int], result: ParseResult) -> None:
        self.positions = positions
        self.result = result
        self.seen: dict[str, int] = {}

    def _cell(self, cells: Sequence[str], column: str) -> str:
        index = self.positions.get(column)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    def check(self, *, line: int, cells: Sequence[str], raw: str) -> None:
        raw_email = self._cell(cells, "email")
        raw_name = self._cell(cells, "name")
        raw_org = self._cell(cells, "organisation")
        raw_kind = self._cell(cells, "kind")
        reasons: list[str] = []

        if any(_has_unreadable_chars(v) for v in (raw_email, raw_name, raw_org, raw_kind)):
            reasons.append(
                _(
                    "Op deze regel staan tekens die niet goed te lezen zijn. "
                    "Sla het bestand op als 'CSV UTF-8' of als Excel-bestand (.xlsx) "
                    "en probeer het opnieuw."
                )
            )

        email = _clean_email(raw_email)
        if not email:
            reasons.append(_("Het e-mailadres ontbreekt."))
        elif not _is_valid_email(email):
            reasons.append(
                _("'%(email)s' is geen geldig e-mailadres.") % {"email": _shorten(email, 80)}
            )

        name = _clean_text(raw_name)
        if len(name) > MAX_FIELD_LENGTH:
            reasons.append(
                _("De naam is te lang. Gebruik maximaal %(max)s tekens.")
                % {"max": MAX_FIELD_LENGTH}
            )
        organisation = _clean_text(raw_org)
        if len(organisation) > MAX_FIELD_LENGTH:
            reasons.append(
                _("De naam van de organisatie is te lang. Gebruik maximaal %(max)s tekens.")
                % {"max": MAX_FIELD_LENGTH}
            )

        kind_text = _clean_text(raw_kind)
        kind = ""
        if kind_text:
            kind = _KIND_KEYS.get(_key(kind_text), "")
            if not kind:
                reasons.append(
                    _(
                        "Onbekende soort organisatie: '%(kind)s'. "
                        "Kies uit: gemeente, zorgaanbieder, cliëntorganisatie of overig."
                    )
                    % {"kind": _shorten(kind_text, 80)}
                )

        if not reasons and email in self.seen:
            reasons.append(
                _("Dit e-mailadres is dubbel: staat al op regel %(line)s.")
                % {"line": self.seen[email]}
            )

        if reasons and "\n" in raw:  # a CSV record spanning lines: usually a stray quote
            reasons.append(
                _('Deze rij loopt over meer regels. Controleer de aanhalingstekens (").')
            )
        if reasons:
            self.result.errors.append(
                RowError(line=line, reason=" ".join(reasons), raw=_shorten(raw))
            )
            return
        self.seen[email] = line
        self.result.rows.append(
            InvitationRow(line=line, email=email, name=name, organisation=organisation, kind=kind)
        )


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(_clean_text(c) for c in cells)


def _too_many_rows(*, line: int, max_rows: int, raw: str) -> RowError:
    return RowError(
        line=line,
        reason=_(
            "Er staan meer dan %(max)s rijen in het bestand. Vanaf regel %(line)s is niets "
            "gelezen. Verdeel de adressen over meer bestanden."
        )
        % {"max": f"{max_rows:,}".replace(",", "."), "line": line},
        raw=_shorten(raw),
    )


def _parse_table(
    records: Iterable[tuple[int, list[str], str]],
    *,
    max_rows: int,
    result: ParseResult | None = None,
) -> ParseResult:
    """Shared CSV/XLSX logic. ``records`` yields (line, cells, raw text) per row.

    ``records`` may itself append to ``result.errors`` (a CSV that breaks off).
    """
    result = result if result is not None else ParseResult()
    checker: _RowChecker | None = None
    data_rows = 0
    scan_limit = max(max_rows, 1) * _SCAN_FACTOR + 1_000
    for line, cells, raw in records:
        if _is_blank(cells):
            if line > scan_limit:
                result.errors.append(
                    RowError(
                        line=line,
                        reason=_(
                            "Het bestand is te lang. Na regel %(line)s is niet verder gelezen."
                        )
                        % {"line": scan_limit},
                        raw="",
                    )
                )
                break
            continue
        if checker is None:  # first non-blank row is the header
            positions, ignored = _match_header(cells)
            if "email" not in positions:
                result.errors.append(
                    RowError(
                        line=line, reason=_missing_email_column_reason(cells), raw=_shorten(raw)
                    )
                )
                return result
            result.ignored_columns = ignored
            checker = _RowChecker(positions, result)
            continue
        if data_rows >= max_rows or line > scan_limit:
            result.errors.append(_too_many_rows(line=line, max_rows=max_rows, raw=raw))
            return result
        data_rows += 1
        checker.check(line=line, cells=cells, raw=raw)

    if checker is None:
        if result.errors:
            return result
        return _file_error(_("Het bestand is leeg. Er staan geen gegevens in."))
    if data_rows == 0 and not result.errors:
        result.errors.append(
            RowError(line=0, reason=_("Er staan geen rijen onder de kopregel."), raw="")
        )
    return result


# --------------------------------------------------------------------------- CSV


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel "Unicode text"
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Dutch Excel's default. The 5 undefined bytes become U+FFFD and are
        # reported per row by _has_unreadable_chars.
        return data.decode("cp1252", errors="replace")


_DELIMITERS = (";", ",", "\t")


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that makes the most recognised header columns."""
    header = ""
    for candidate in io.StringIO(text, newline=""):
        if candidate.strip():
            header = candidate
            break
    best, best_score = ";", (-1, -1)
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            continue
        positions, _ignored = _match_header(cells)
        score = (len(positions), len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best


class _LineRecorder:
    """Feeds lines to csv.reader and keeps the ones of the current record (for ``raw``)."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.buffer: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.buffer.append(line)
        return line

    def take(self) -> str:
        raw = "".join(self.buffer).rstrip("\r\n")
        self.buffer.clear()
        return raw


def _csv_records(text: str, errors: list[RowError]) -> Iterator[tuple[int, list[str], str]]:
    source = _LineRecorder(text)
    reader = csv.reader(source, delimiter=_sniff_delimiter(text))
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            errors.append(
                RowError(
                    line=previous + 1,
                    reason=_(
                        "Vanaf deze regel kan het bestand niet worden gelezen. Controleer de "
                        "aanhalingstekens en sla het bestand opnieuw op als CSV."
                    ),
                    raw=_shorten(source.take()),
                )
            )
            return
        start = previous + 1
        previous = reader.line_num
        yield start, cells, source.take()


def _parse_csv(data: bytes, *, max_rows: int) -> ParseResult:
    text = _decode(data)
    result = ParseResult()
    return _parse_table(_csv_records(text, result.errors), max_rows=max_rows, result=result)


# --------------------------------------------------------------------------- XLSX


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _xlsx_records(worksheet) -> Iterator[tuple[int, list[str], str]]:
    for line, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        yield line, cells, " ".join(";".join(cells).split("\n"))


def _corrupt_xlsx() -> ParseResult:
    return _file_error(
        _(
            "Het Excel-bestand is beschadigd en kan niet worden geopend. Open het in Excel, "
            "sla het opnieuw op als .xlsx en probeer het nog eens."
        )
    )


def _parse_xlsx(data: bytes, *, max_rows: int) -> ParseResult:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # zipfile.BadZipFile, KeyError, XML errors, ...: all mean "corrupt"
        return _corrupt_xlsx()
    try:
        if not workbook.worksheets:
            return _file_error(_("Het bestand is leeg. Er staan geen gegevens in."))
        worksheet = workbook.worksheets[0]
        worksheet.reset_dimensions()  # some tools write a wrong <dimension>
        return _parse_table(_xlsx_records(worksheet), max_rows=max_rows)
    except Exception:  # a broken sheet part only shows up while streaming
        return _corrupt_xlsx()
    finally:
        workbook.close()


# --------------------------------------------------------------------------- file entry point

_BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"\xd0\xcf\x11\xe0",  # OLE2: .xls, .doc, password-protected .xlsx
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"RIFF",  # WEBP and friends
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
)


def _looks_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return data.startswith(_BINARY_SIGNATURES) or b"\x00" in data[:8192]


def check_upload_size(size: int) -> RowError | None:
    """The size check on its own, e.g. for a form's clean() before reading the upload."""
    if size > MAX_UPLOAD_BYTES:
        return RowError(
            line=0,
            reason=_(
                "Het bestand is groter dan 5 MB. Maak het bestand kleiner of verdeel de "
                "adressen over meer bestanden."
            ),
            raw="",
        )
    return None


def parse_invitation_file(*, data: bytes, filename: str, max_rows: int = MAX_ROWS) -> ParseResult:
    """Parse an uploaded CSV or XLSX file with columns naam, e-mail, organisatie, soort."""
    too_big = check_upload_size(len(data))
    if too_big is not None:
        return ParseResult(errors=[too_big])
    if not data.strip():
        return _file_error(_("Het bestand is leeg. Er staan geen gegevens in."))

    extension = PurePath(filename or "").suffix.lower()
    is_zip = data.startswith(b"PK")
    use_types = _("Gebruik een CSV-bestand (.csv) of een Excel-bestand (.xlsx).")

    if extension == ".xlsx":
        if is_zip:
            return _parse_xlsx(data, max_rows=max_rows)
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            return _file_error(
                _(
                    "Dit Excel-bestand is beveiligd met een wachtwoord of heeft het oude "
                    "formaat. Haal de beveiliging weg, sla het op als .xlsx en probeer het "
                    "opnieuw."
                )
            )
        return _file_error(
            _("Dit bestand heet .xlsx, maar het is geen Excel-bestand.") + " " + use_types
        )
    if extension == ".csv":
        if is_zip:
            return _file_error(
                _(
                    "Dit bestand heet .csv, maar het is een Excel-bestand. Geef het de naam "
                    ".xlsx of sla het in Excel op als 'CSV UTF-8'."
                )
            )
        if _looks_binary(data):
            return _file_error(
                _("Dit bestand heet .csv, maar het is geen CSV-bestand.") + " " + use_types
            )
        return _parse_csv(data, max_rows=max_rows)
    if extension == ".xls":
        return _file_error(
            _(
                "Het oude Excel-formaat (.xls) kunnen we niet lezen. Sla het bestand in "
                "Excel op als .xlsx of als 'CSV UTF-8' en probeer het opnieuw."
            )
        )
    return _file_error(
        _("Dit soort bestand (%(extension)s) kunnen we niet lezen.")
        % {"extension": extension or _("zonder extensie")}
        + " "
        + use_types
    )


# --------------------------------------------------------------------------- pasted addresses

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SEPARATORS = re.compile(r"[\s,;]+")
_TRAILING_QUOTED = re.compile(r"\"([^\"]*)\"\s*$|'([^']*)'\s*$")
_WRAPPING_CHARS = "\"'<>()[]{}:"


def _display_name(text: str) -> str:
    name = _clean_text(text).strip("\"' ")
    # Outlook: "Achternaam, Voornaam" -> "Voornaam Achternaam" ("Vries, Jan de" -> "Jan de Vries")
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts):
        name = f"{parts[1]} {parts[0]}"
    return name


def _split_segment(segment: str, *, address: str | None) -> tuple[list[str], str]:
    """Split text before ``<address>`` into loose tokens and the display name."""
    quoted = _TRAILING_QUOTED.search(segment)
    if quoted and address is not None:
        name = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        return _SEPARATORS.split(segment[: quoted.start()]), _display_name(name)
    if address is None:
        return _SEPARATORS.split(segment), ""
    pieces = re.split(r"[,;]", segment)
    loose = [t for piece in pieces[:-1] for t in _SEPARATORS.split(piece)]
    words = pieces[-1].split()
    # An address just before the name belongs to the loose tokens: "a@b.nl Jan <jan@c.nl>".
    last_at = max((i for i, w in enumerate(words) if "@" in w), default=-1)
    loose.extend(words[: last_at + 1])
    name = _display_name(" ".join(words[last_at + 1 :]))
    return loose, name


def _line_items(line: str) -> Iterator[tuple[str, str]]:
    """Yield (token, name) for one pasted line; name is "" for loose tokens."""
    text = unicodedata.normalize("NFC", line).translate(_ZERO_WIDTH)
    position = 0
    for match in _ANGLE_EMAIL.finditer(text):
        address = match.group(1).strip()
        if not address:  # "<>": keep the words before it as (reported) junk
            continue
        loose, name = _split_segment(text[position : match.start()], address=address)
        for token in loose:
            if token.strip(_WRAPPING_CHARS).lower() != address.lower():  # 'a@b' <a@b>
                yield token, ""
        if "@" in name:  # the display name is just the address again
            name = ""
        yield address, name
        position = match.end()
    loose, _name = _split_segment(text[position:], address=None)
    for token in loose:
        yield token, ""


def parse_pasted_addresses(*, text: str, max_rows: int = MAX_ROWS) -> ParseResult:
    """Parse addresses pasted into a text box.

    Separators: newlines, commas, semicolons, whitespace. ``Naam <adres>`` and
    ``"Achternaam, Naam" <adres>`` (Outlook) are understood. Text that is not an
    address is reported per pasted line; consecutive junk words form one error.
    """
    result = ParseResult()
    seen: dict[str, int] = {}
    if not text or not text.strip():
        return _file_error(_("Er zijn geen e-mailadressen ingevuld."))

    def add_junk(line_no: int, words: list[str], raw: str) -> None:
        if words:
            shown = _shorten(" ".join(words), 80)
            result.errors.append(
                RowError(
                    line=line_no,
                    reason=_("'%(text)s' is geen geldig e-mailadres.") % {"text": shown},
                    raw=_shorten(raw),
                )
            )
            words.clear()

    for line_no, line in enumerate(_LINE_BREAK.split(text), start=1):
        junk: list[str] = []
        for token, name in _line_items(line):
            token = token.strip()
            if not token:
                continue
            email = _clean_email(token.strip(_WRAPPING_CHARS) if not name else token)
            if not email:
                continue  # a lone quote or bracket: nothing to report
            if not _is_valid_email(email):
                junk.append(_clean_text(token))
                continue
            add_junk(line_no, junk, line)
            if len(result.rows) >= max_rows:
                result.errors.append(
                    RowError(
                        line=line_no,
                        reason=_(
                            "Er staan meer dan %(max)s e-mailadressen in de tekst. Vanaf regel "
                            "%(line)s is niets gelezen. Plak de rest in een nieuwe lijst."
                        )
                        % {"max": f"{max_rows:,}".replace(",", "."), "line": line_no},
                        raw=_shorten(line),
                    )
                )
                return result
            if email in seen:
                result.errors.append(
                    RowError(
                        line=line_no,
                        reason=_("Dit e-mailadres is dubbel: staat al op regel %(line)s.")
                        % {"line": seen[email]},
                        raw=_shorten(line),
                    )
                )
                continue
            if len(name) > MAX_FIELD_LENGTH:
                name = ""  # a name is optional here; never lose the address for it
            seen[email] = line_no
            result.rows.append(InvitationRow(line=line_no, email=email, name=name))
        add_junk(line_no, junk, line)

    if not result.rows and not result.errors:
        return _file_error(_("Er zijn geen e-mailadressen ingevuld."))
    return result
