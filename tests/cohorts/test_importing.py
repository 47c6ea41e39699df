"""Tests for cohorts.importing: pasted addresses, CSV and XLSX invitation uploads."""

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from cohorts.enums import OrganisationKind
from cohorts.importing import (
    MAX_UPLOAD_BYTES,
    InvitationRow,
    ParseResult,
    RowError,
    check_upload_size,
    parse_invitation_file,
    parse_pasted_addresses,
)

# --------------------------------------------------------------------------- helpers


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def only_error(result: ParseResult) -> RowError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# --------------------------------------------------------------------------- CSV basics


def test_csv_semicolon_valid_rows_parsed():
    data = csv_bytes(
        "Naam;E-mailadres;Organisatie;Soort\n"
        "Jan  Jansen;Jan@Voorbeeld.NL ;Gemeente Utrecht;gemeente\n"
        "Fatma Yilmaz;fatma@zorg.nl;Zorg & Co;Aanbieder\n"
    )
    result = parse_invitation_file(data=data, filename="deelnemers.csv")
    assert result.errors == []
    assert result.ok
    assert result.rows == [
        InvitationRow(
            line=2,
            email="jan@voorbeeld.nl",
            name="Jan Jansen",
            organisation="Gemeente Utrecht",
            kind=OrganisationKind.GEMEENTE,
        ),
        InvitationRow(
            line=3,
            email="fatma@zorg.nl",
            name="Fatma Yilmaz",
            organisation="Zorg & Co",
            kind=OrganisationKind.ZORGAANBIEDER,
        ),
    ]


def test_csv_comma_english_headers_parsed():
    data = csv_bytes(
        "name,email,organization,kind\n"
        '"Vries, Anna de",anna@example.org,"Cliëntenraad, Zwolle",Client organisation\n'
        "Piet,piet@example.org,,\n"
    )
    result = parse_invitation_file(data=data, filename="export.CSV")
    assert result.errors == []
    assert result.rows == [
        InvitationRow(
            line=2,
            email="anna@example.org",
            name="Vries, Anna de",
            organisation="Cliëntenraad, Zwolle",
            kind="clientorganisatie",
        ),
        InvitationRow(line=3, email="piet@example.org", name="Piet", organisation="", kind=""),
    ]


def test_csv_tab_delimited_parsed():
    data = csv_bytes("e-mail\tnaam\nkees@example.org\tKees\n")
    result = parse_invitation_file(data=data, filename="lijst.csv")
    assert result.errors == []
    assert result.rows == [InvitationRow(line=2, email="kees@example.org", name="Kees")]


def test_csv_headers_case_and_accent_insensitive_and_extra_columns_ignored():
    data = csv_bytes(
        "VOLLEDIGE NAAM;Telefoon;E-MAIL;Soort organisatie;Organisatie\n"
        "Kim de Boer;0612345678;kim@example.org;OVERIG;Stichting X\n"
    )
    result = parse_invitation_file(data=data, filename="lijst.csv")
    assert result.errors == []
    assert result.ignored_columns == ["Telefoon"]
    assert result.rows == [
        InvitationRow(
            line=2,
            email="kim@example.org",
            name="Kim de Boer",
            organisation="Stichting X",
            kind="overig",
        )
    ]


def test_csv_accented_header_alias_matched():
    data = csv_bytes("Émail;Sóort\nlot@example.org;Cliëntorganisatie\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.errors == []
    assert result.rows == [InvitationRow(line=2, email="lot@example.org", kind="clientorganisatie")]


def test_csv_with_bom_header_recognised():
    data = b"\xef\xbb\xbf" + csv_bytes("email;naam\nbom@example.org;Bommel\n")
    result = parse_invitation_file(data=data, filename="bom.csv")
    assert result.errors == []
    assert result.rows == [InvitationRow(line=2, email="bom@example.org", name="Bommel")]


def test_csv_cp1252_bytes_decoded_as_cp1252():
    data = "naam;email;organisatie\nRené Müller;rene@example.org;Café de Ster\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = parse_invitation_file(data=data, filename="excel.csv")
    assert result.errors == []
    assert result.rows == [
        InvitationRow(
            line=2, email="rene@example.org", name="René Müller", organisation="Café de Ster"
        )
    ]


def test_csv_cp1252_undefined_byte_reported_on_its_line():
    data = b"naam;email\nGoed;goed@example.org\nFo\x81ut;fout@example.org\n"
    result = parse_invitation_file(data=data, filename="excel.csv")
    assert result.rows == [InvitationRow(line=2, email="goed@example.org", name="Goed")]
    error = only_error(result)
    assert error.line == 3
    assert "tekens die niet goed te lezen zijn" in error.reason
    assert error.raw == "Fo\ufffdut;fout@example.org"


def test_csv_control_characters_reported():
    data = csv_bytes("naam;email\nBel\x07letje;bel@example.org\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == []
    assert only_error(result).line == 2
    assert "niet goed te lezen" in only_error(result).reason


def test_csv_utf16_excel_unicode_text_parsed():
    data = "naam\temail\nZoë\tzoe@example.org\n".encode("utf-16")
    result = parse_invitation_file(data=data, filename="unicode.csv")
    assert result.errors == []
    assert result.rows == [InvitationRow(line=2, email="zoe@example.org", name="Zoë")]


def test_csv_whitespace_and_nbsp_stripped_and_name_spacing_normalised():
    data = csv_bytes(
        "naam;email;organisatie\n"
        "\u00a0 Jan \u00a0  van\tDijk ;\u00a0JAN@X.NL\u00a0; Gemeente\u00a0 Ede \n"
    )
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.errors == []
    assert result.rows == [
        InvitationRow(line=2, email="jan@x.nl", name="Jan van Dijk", organisation="Gemeente Ede")
    ]


def test_csv_crlf_and_blank_rows_keep_spreadsheet_line_numbers():
    data = csv_bytes("naam;email\r\n\r\n;;\r\nA;a@example.org\r\n   \r\nB;niet-geldig\r\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == [InvitationRow(line=4, email="a@example.org", name="A")]
    assert result.errors == [
        RowError(line=6, reason="'niet-geldig' is geen geldig e-mailadres.", raw="B;niet-geldig")
    ]


def test_csv_multiline_quoted_field_line_numbers_follow_file_lines():
    data = csv_bytes(
        "naam;email;organisatie\n"
        'Eva;eva@example.org;"Regel een\nRegel twee\nRegel drie"\n'
        "Bo;bo@@example.org;Y\n"
        "Cas;cas@example.org;Z\n"
    )
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == [
        InvitationRow(
            line=2,
            email="eva@example.org",
            name="Eva",
            organisation="Regel een Regel twee Regel drie",
        ),
        InvitationRow(line=6, email="cas@example.org", name="Cas", organisation="Z"),
    ]
    assert result.errors == [
        RowError(
            line=5,
            reason="'bo@@example.org' is geen geldig e-mailadres.",
            raw="Bo;bo@@example.org;Y",
        )
    ]


def test_csv_missing_email_cell_reported():
    data = csv_bytes("naam;email\nZonder Adres;\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == []
    assert result.errors == [
        RowError(line=2, reason="Het e-mailadres ontbreekt.", raw="Zonder Adres;")
    ]


def test_csv_email_cell_in_outlook_format_accepted():
    data = csv_bytes("email\nJan Jansen <jan@example.org>\nmailto:piet@example.org\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.errors == []
    assert result.emails == ["jan@example.org", "piet@example.org"]


# --------------------------------------------------------------------------- CSV problems


def test_csv_wrong_columns_reports_found_and_expected_on_line_1():
    data = csv_bytes("Voornaam;Telefoon;Adres\nJan;0612345678;Straat 1\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == []
    error = only_error(result)
    assert error.line == 1
    assert error.reason == (
        "De kolom met het e-mailadres ontbreekt. Gevonden kolommen: Voornaam, Telefoon, "
        "Adres. Verwachte kolommen: naam, e-mail, organisatie, soort. "
        "Alleen de kolom e-mail is verplicht."
    )
    assert error.raw == "Voornaam;Telefoon;Adres"


def test_csv_without_header_row_explains_a_header_is_needed():
    data = csv_bytes("jan@example.org;Jan\npiet@example.org;Piet\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == []
    error = only_error(result)
    assert error.line == 1
    assert error.reason.startswith("De eerste regel moet een kopregel zijn")


def test_csv_empty_file_reports_leeg():
    result = parse_invitation_file(data=b"", filename="leeg.csv")
    assert result.rows == []
    assert result.errors == [
        RowError(line=0, reason="Het bestand is leeg. Er staan geen gegevens in.", raw="")
    ]
    assert not result.ok
    assert result.file_error == result.errors[0]


def test_csv_only_blank_lines_reports_leeg():
    result = parse_invitation_file(data=b"\r\n \r\n;;;\r\n\xef\xbb\xbf", filename="leeg.csv")
    assert result.rows == []
    assert only_error(result).line == 0
    assert only_error(result).reason.startswith("Het bestand is leeg")


def test_csv_header_only_reports_no_rows():
    result = parse_invitation_file(data=b"naam;email;organisatie\r\n\r\n", filename="kop.csv")
    assert result.rows == []
    assert result.errors == [
        RowError(line=0, reason="Er staan geen rijen onder de kopregel.", raw="")
    ]


def test_csv_duplicate_email_names_earlier_line():
    data = csv_bytes(
        "naam;email\nA;a@example.org\nB;b@example.org\nC;c@example.org\nA twee;A@Example.org\n"
    )
    result = parse_invitation_file(data=data, filename="x.csv")
    assert [r.email for r in result.rows] == ["a@example.org", "b@example.org", "c@example.org"]
    error = only_error(result)
    assert error.line == 5
    assert "dubbel: staat al op regel 2" in error.reason
    assert error.raw == "A twee;A@Example.org"


def test_csv_duplicate_of_rejected_row_is_kept():
    data = csv_bytes("email;soort\na@example.org;bank\na@example.org;gemeente\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == [InvitationRow(line=3, email="a@example.org", kind="gemeente")]
    assert [e.line for e in result.errors] == [2]


def test_csv_unknown_kind_names_allowed_values():
    data = csv_bytes("email;soort\nx@example.org;Woningcorporatie\ny@example.org;zorgaanbieder\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == [InvitationRow(line=3, email="y@example.org", kind="zorgaanbieder")]
    assert result.errors == [
        RowError(
            line=2,
            reason=(
                "Onbekende soort organisatie: 'Woningcorporatie'. "
                "Kies uit: gemeente, zorgaanbieder, cliëntorganisatie of overig."
            ),
            raw="x@example.org;Woningcorporatie",
        )
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Gemeente", "gemeente"),
        ("ZORGAANBIEDER", "zorgaanbieder"),
        ("provider", "zorgaanbieder"),
        ("cliëntorganisatie", "clientorganisatie"),
        ("Cliënt-organisatie", "clientorganisatie"),
        ("client organization", "clientorganisatie"),
        ("Other", "overig"),
    ],
)
def test_csv_kind_aliases_accepted(typed, expected):
    data = csv_bytes(f"email;soort\nx@example.org;{typed}\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.errors == []
    assert result.rows == [InvitationRow(line=2, email="x@example.org", kind=expected)]


def test_csv_too_long_name_and_organisation_reported_together():
    long = "x" * 201
    data = csv_bytes(f"naam;email;organisatie\n{long};l@example.org;{long}\nOk;ok@example.org;\n")
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == [InvitationRow(line=3, email="ok@example.org", name="Ok")]
    error = only_error(result)
    assert error.line == 2
    assert error.reason == (
        "De naam is te lang. Gebruik maximaal 200 tekens. "
        "De naam van de organisatie is te lang. Gebruik maximaal 200 tekens."
    )
    assert len(error.raw) == 200
    assert error.raw.endswith("…")


def test_csv_name_of_exactly_200_chars_accepted():
    name = "n" * 200
    result = parse_invitation_file(
        data=csv_bytes(f"naam;email\n{name};n@example.org\n"), filename="x.csv"
    )
    assert result.errors == []
    assert result.rows[0].name == name


def test_csv_bad_rows_do_not_lose_valid_rows():
    data = csv_bytes(
        "naam;email;soort\n"
        "Goed 1;g1@example.org;gemeente\n"
        "Fout 1;geen-adres;gemeente\n"
        "Goed 2;g2@example.org;\n"
        "Fout 2;g3@example.org;onbekend\n"
        "Goed 3;g4@example.org;overig\n"
    )
    result = parse_invitation_file(data=data, filename="x.csv")
    assert [(r.line, r.email) for r in result.rows] == [
        (2, "g1@example.org"),
        (4, "g2@example.org"),
        (6, "g4@example.org"),
    ]
    assert [e.line for e in result.errors] == [3, 5]
    assert result.errors[0].reason == "'geen-adres' is geen geldig e-mailadres."
    assert result.errors[1].reason.startswith("Onbekende soort organisatie: 'onbekend'.")


def test_csv_5000_rows_all_valid_and_fast():
    lines = ["naam;email;organisatie;soort"]
    lines += [
        f"Persoon {i};persoon{i}@example.org;Organisatie {i % 7};gemeente" for i in range(5000)
    ]
    data = csv_bytes("\n".join(lines) + "\n")
    started = time.perf_counter()
    result = parse_invitation_file(data=data, filename="groot.csv")
    elapsed = time.perf_counter() - started
    assert result.errors == []
    assert result.row_count == 5000
    assert result.rows[0] == InvitationRow(
        line=2,
        email="persoon0@example.org",
        name="Persoon 0",
        organisation="Organisatie 0",
        kind="gemeente",
    )
    assert result.rows[-1].line == 5001
    assert result.rows[-1].email == "persoon4999@example.org"
    assert elapsed < 2.0, f"parsing 5000 rows took {elapsed:.2f}s"


def test_csv_more_than_max_rows_keeps_first_and_reports_rest():
    data = csv_bytes("email\na@example.org\nb@example.org\nc@example.org\nd@example.org\n")
    result = parse_invitation_file(data=data, filename="x.csv", max_rows=2)
    assert result.emails == ["a@example.org", "b@example.org"]
    error = only_error(result)
    assert error.line == 4
    assert error.reason == (
        "Er staan meer dan 2 rijen in het bestand. Vanaf regel 4 is niets gelezen. "
        "Verdeel de adressen over meer bestanden."
    )


def test_csv_unterminated_quote_does_not_raise():
    data = csv_bytes('naam;email\n"Open;open@example.org\nB;b@example.org\n')
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == []
    error = only_error(result)
    assert error.line == 2
    assert error.reason == (
        "Het e-mailadres ontbreekt. Deze rij loopt over meer regels. "
        'Controleer de aanhalingstekens (").'
    )
    assert error.raw == '"Open;open@example.org\nB;b@example.org'


def test_csv_field_too_large_for_reader_reported_not_raised():
    data = b'naam;email\nA;a@example.org\n"' + b"x" * 200_000 + b"\n"
    result = parse_invitation_file(data=data, filename="x.csv")
    assert result.rows == [InvitationRow(line=2, email="a@example.org", name="A")]
    error = only_error(result)
    assert error.line == 3
    assert error.reason.startswith("Vanaf deze regel kan het bestand niet worden gelezen.")
    assert len(error.raw) == 200


# --------------------------------------------------------------------------- file type & size


def test_file_over_size_limit_rejected():
    data = b"email\n" + b"a" * MAX_UPLOAD_BYTES
    result = parse_invitation_file(data=data, filename="groot.csv")
    assert result.rows == []
    error = only_error(result)
    assert error.line == 0
    assert error.reason.startswith("Het bestand is groter dan 5 MB.")


def test_check_upload_size_boundary():
    assert check_upload_size(MAX_UPLOAD_BYTES) is None
    error = check_upload_size(MAX_UPLOAD_BYTES + 1)
    assert error is not None
    assert error.line == 0


@pytest.mark.parametrize(
    ("filename", "data", "expected_start"),
    [
        ("oud.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Het oude Excel-formaat"),
        ("brief.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "Dit soort bestand (.pdf)"),
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "Dit soort bestand (.png)"),
        ("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "Dit soort bestand (.jpg)"),
        ("zonder", b"email\na@example.org\n", "Dit soort bestand (zonder extensie)"),
        ("lijst.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "Dit bestand heet .csv, maar"),
        ("lijst.csv", b"%PDF-1.4\n", "Dit bestand heet .csv, maar"),
        ("lijst.xlsx", b"email\na@example.org\n", "Dit bestand heet .xlsx, maar"),
        ("lijst.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Dit Excel-bestand is beveiligd"),
    ],
)
def test_file_wrong_type_gives_one_line_0_error(filename, data, expected_start):
    result = parse_invitation_file(data=data, filename=filename)
    assert result.rows == []
    error = only_error(result)
    assert error.line == 0
    assert error.reason.startswith(expected_start), error.reason


def test_file_xlsx_named_csv_reported():
    data = xlsx_bytes([["email"], ["a@example.org"]])
    result = parse_invitation_file(data=data, filename="lijst.csv")
    assert result.rows == []
    error = only_error(result)
    assert error.line == 0
    assert error.reason.startswith("Dit bestand heet .csv, maar het is een Excel-bestand.")


# --------------------------------------------------------------------------- XLSX


def test_xlsx_valid_rows_parsed_with_numbers_and_empty_cells():
    data = xlsx_bytes(
        [
            ["Naam", "E-mail", "Organisatie", "Soort", "Nummer"],
            ["Jan  Jansen", "JAN@example.org", "Gemeente Ede", "Gemeente", 12],
            [None, "zonder.naam@example.org", 1234, None, 3.0],
            [None, None, None, None, None],
            ["Els", "els@example.org", None, "aanbieder", None],
        ]
    )
    result = parse_invitation_file(data=data, filename="deelnemers.xlsx")
    assert result.errors == []
    assert result.ignored_columns == ["Nummer"]
    assert result.rows == [
        InvitationRow(
            line=2,
            email="jan@example.org",
            name="Jan Jansen",
            organisation="Gemeente Ede",
            kind="gemeente",
        ),
        InvitationRow(line=3, email="zonder.naam@example.org", organisation="1234"),
        InvitationRow(line=5, email="els@example.org", name="Els", kind="zorgaanbieder"),
    ]


def test_xlsx_bad_row_reported_with_sheet_row_number():
    data = xlsx_bytes(
        [
            ["email", "naam", "soort"],
            ["a@example.org", "A", "gemeente"],
            ["geen adres", "B", "gemeente"],
            ["c@example.org", "C", "bank"],
            ["a@example.org", "A dubbel", None],
        ]
    )
    result = parse_invitation_file(data=data, filename="lijst.xlsx")
    assert result.rows == [InvitationRow(line=2, email="a@example.org", name="A", kind="gemeente")]
    assert result.errors == [
        RowError(
            line=3,
            reason="'geen adres' is geen geldig e-mailadres.",
            raw="geen adres;B;gemeente",
        ),
        RowError(
            line=4,
            reason=(
                "Onbekende soort organisatie: 'bank'. "
                "Kies uit: gemeente, zorgaanbieder, cliëntorganisatie of overig."
            ),
            raw="c@example.org;C;bank",
        ),
        RowError(
            line=5,
            reason="Dit e-mailadres is dubbel: staat al op regel 2.",
            raw="a@example.org;A dubbel",
        ),
    ]


def test_xlsx_header_not_on_first_row_keeps_sheet_row_numbers():
    workbook = Workbook()
    sheet = workbook.active
    sheet["A3"] = "E-mailadres"
    sheet["A5"] = "laat@example.org"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_invitation_file(data=buffer.getvalue(), filename="x.xlsx")
    assert result.errors == []
    assert result.rows == [InvitationRow(line=5, email="laat@example.org")]


def test_xlsx_corrupt_file_one_clear_error():
    good = xlsx_bytes([["email"], ["a@example.org"]])
    truncated = good[: len(good) // 2]
    result = parse_invitation_file(data=truncated, filename="kapot.xlsx")
    assert result.rows == []
    error = only_error(result)
    assert error.line == 0
    assert error.reason.startswith("Het Excel-bestand is beschadigd")


def test_xlsx_zip_without_workbook_is_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hallo.txt", "geen excel")
    result = parse_invitation_file(data=buffer.getvalue(), filename="nep.xlsx")
    assert only_error(result).line == 0
    assert only_error(result).reason.startswith("Het Excel-bestand is beschadigd")


def test_xlsx_header_only_reports_no_rows():
    result = parse_invitation_file(data=xlsx_bytes([["naam", "email"]]), filename="kop.xlsx")
    assert result.rows == []
    assert result.errors == [
        RowError(line=0, reason="Er staan geen rijen onder de kopregel.", raw="")
    ]


def test_xlsx_empty_sheet_reports_leeg():
    result = parse_invitation_file(data=xlsx_bytes([]), filename="leeg.xlsx")
    assert result.rows == []
    assert only_error(result).line == 0
    assert only_error(result).reason.startswith("Het bestand is leeg")


def test_xlsx_wrong_columns_reported_on_header_line():
    data = xlsx_bytes([["Voornaam", "Telefoon"], ["Jan", 612345678]])
    result = parse_invitation_file(data=data, filename="x.xlsx")
    error = only_error(result)
    assert error.line == 1
    assert "Gevonden kolommen: Voornaam, Telefoon." in error.reason


# --------------------------------------------------------------------------- pasted addresses


def test_pasted_plain_addresses_with_all_separators():
    text = "a@example.org, b@example.org; c@example.org\n d@example.org\te@example.org\n\n"
    result = parse_pasted_addresses(text=text)
    assert result.errors == []
    assert [(r.line, r.email) for r in result.rows] == [
        (1, "a@example.org"),
        (1, "b@example.org"),
        (1, "c@example.org"),
        (2, "d@example.org"),
        (2, "e@example.org"),
    ]


def test_pasted_outlook_format_with_names():
    text = (
        '"Jansen, Jan" <Jan.Jansen@gemeente.nl>; Piet de Vries <piet@zorg.nl>; '
        "'Vries, Anna de' <anna@example.org>\n"
        "Kees <kees@example.org>, losse@example.org"
    )
    result = parse_pasted_addresses(text=text)
    assert result.errors == []
    assert result.rows == [
        InvitationRow(line=1, email="jan.jansen@gemeente.nl", name="Jan Jansen"),
        InvitationRow(line=1, email="piet@zorg.nl", name="Piet de Vries"),
        InvitationRow(line=1, email="anna@example.org", name="Anna de Vries"),
        InvitationRow(line=2, email="kees@example.org", name="Kees"),
        InvitationRow(line=2, email="losse@example.org", name=""),
    ]


def test_pasted_junk_in_between_reported_per_line():
    text = (
        "Hallo allemaal,\n"
        "a@example.org; dit is geen adres; b@example.org\n"
        "c@example\n"
        "Groet <d@example.org>\n"
    )
    result = parse_pasted_addresses(text=text)
    assert result.rows == [
        InvitationRow(line=2, email="a@example.org"),
        InvitationRow(line=2, email="b@example.org"),
        InvitationRow(line=4, email="d@example.org", name="Groet"),
    ]
    assert result.errors == [
        RowError(
            line=1, reason="'Hallo allemaal' is geen geldig e-mailadres.", raw="Hallo allemaal,"
        ),
        RowError(
            line=2,
            reason="'dit is geen adres' is geen geldig e-mailadres.",
            raw="a@example.org; dit is geen adres; b@example.org",
        ),
        RowError(line=3, reason="'c@example' is geen geldig e-mailadres.", raw="c@example"),
    ]


def test_pasted_duplicates_name_earlier_line():
    text = "a@example.org\nb@example.org\nJan <A@EXAMPLE.ORG>"
    result = parse_pasted_addresses(text=text)
    assert result.emails == ["a@example.org", "b@example.org"]
    assert result.errors == [
        RowError(
            line=3,
            reason="Dit e-mailadres is dubbel: staat al op regel 1.",
            raw="Jan <A@EXAMPLE.ORG>",
        )
    ]


def test_pasted_address_as_display_name_not_doubled():
    text = "'a@example.org' <a@example.org>; b@example.org <b@example.org>; mailto:c@example.org"
    result = parse_pasted_addresses(text=text)
    assert result.errors == []
    assert result.rows == [
        InvitationRow(line=1, email="a@example.org"),
        InvitationRow(line=1, email="b@example.org"),
        InvitationRow(line=1, email="c@example.org"),
    ]


def test_pasted_nbsp_and_zero_width_spaces_stripped():
    text = "\u00a0a@example.org\u00a0\u200b;\u2009b@example.org\r\nc@example.org"
    result = parse_pasted_addresses(text=text)
    assert result.errors == []
    assert [(r.line, r.email) for r in result.rows] == [
        (1, "a@example.org"),
        (1, "b@example.org"),
        (2, "c@example.org"),
    ]


def test_pasted_empty_text_reports_nothing_filled_in():
    for text in ("", "   \n\t ", ",;,"):
        result = parse_pasted_addresses(text=text)
        assert result.rows == []
        assert result.errors == [
            RowError(line=0, reason="Er zijn geen e-mailadressen ingevuld.", raw="")
        ]


def test_pasted_5000_addresses_fast():
    text = "\n".join(f"Persoon {i} <p{i}@example.org>" for i in range(5000))
    started = time.perf_counter()
    result = parse_pasted_addresses(text=text)
    elapsed = time.perf_counter() - started
    assert result.errors == []
    assert result.row_count == 5000
    assert result.rows[4999] == InvitationRow(
        line=5000, email="p4999@example.org", name="Persoon 4999"
    )
    assert elapsed < 2.0


def test_pasted_empty_angle_brackets_reported_as_junk():
    result = parse_pasted_addresses(text="zzz <>\nok@example.org")
    assert result.rows == [InvitationRow(line=2, email="ok@example.org")]
    assert result.errors == [
        RowError(line=1, reason="'zzz' is geen geldig e-mailadres.", raw="zzz <>")
    ]


def test_pasted_more_than_max_rows_reported():
    result = parse_pasted_addresses(text="a@example.org\nb@example.org\nc@example.org", max_rows=2)
    assert result.emails == ["a@example.org", "b@example.org"]
    assert only_error(result).line == 3
    assert only_error(result).reason == (
        "Er staan meer dan 2 e-mailadressen in de tekst. Vanaf regel 3 is niets gelezen. "
        "Plak de rest in een nieuwe lijst."
    )
