"""How schemathesis sends the API's text bodies (loaded through SCHEMATHESIS_HOOKS).

The document describes a reviewed list (POST /api/items/review) by its rows, whatever
the media type: a JSON array, CSV with a header, or JSON Lines. schemathesis knows how to
send the first only; these serializers write the same generated rows as CSV and as JSON
Lines, so every media type the document lists is tested with rows of the documented
shape. A value that is not a list of objects (schemathesis's negative cases) is sent as
its text, for the server to refuse. A strategy file (PUT /api/strategy) is TOML text.
"""

import csv
import io
import json

import schemathesis

COLUMNS = ["key", "source", "decision", "why"]


def _rows(value):
    if isinstance(value, list) and all(isinstance(r, dict) for r in value):
        return value
    return None


def _text(value):
    if isinstance(value, (bytes, str)):
        return value.encode() if isinstance(value, str) else value
    return json.dumps(value).encode()


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return json.dumps(v)


@schemathesis.serializer("text/csv")
def to_csv(ctx, value):
    rows = _rows(value)
    # Every CSV cell is text: a row holding a number, a list or an object where the
    # document says text cannot be written as CSV, so it goes as JSON text, which is no
    # CSV list either (as a client that got the format wrong would send it).
    # Columns the server does not read take any value, written as its JSON text.
    if rows is None or any(
        r.get(c) is not None and not isinstance(r.get(c), str) for r in rows for c in COLUMNS
    ):
        return _text(value)
    extra = sorted({k for r in rows for k in r if k not in COLUMNS})
    header = COLUMNS + extra
    out = io.StringIO()
    # Every cell quoted: Python quotes minimally only around the line terminator it
    # writes, and a lone `\r` in a cell would end the record for any other CSV reader.
    w = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(header)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in header])
    return out.getvalue().encode()


@schemathesis.serializer("application/x-ndjson")
def to_ndjson(ctx, value):
    rows = _rows(value)
    if rows is None:
        return _text(value)
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


@schemathesis.serializer("application/toml")
def to_toml(ctx, value):
    return _text(value)
