"""Fill msgstr of locale/id from a Python dict module (msgid → translation), keeping what is there; a guess
that msgmerge made from a similar msgid (fuzzy) is dropped unless the table gives the translation.

Usage: python scripts/fill_translations.py TRANSLATIONS.py   (a file defining T = {...})
Prints the msgids that still have no Indonesian translation, and exits 1 if there are any.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "locale" / "id" / "LC_MESSAGES" / "django.po"


def main() -> int:
    table = runpy.run_path(sys.argv[1])["T"] if len(sys.argv) > 1 else {}
    with PO.open("rb") as f:
        catalog = read_po(f, locale="id")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in table:
            value = table[message.id]
            message.string = value if isinstance(value, str) else tuple(value)
        elif message.fuzzy or message.previous_id:
            # msgmerge's guess from a similar msgid: never keep it silently.
            message.string = ("",) * len(message.string) if isinstance(message.string, tuple) else ""
        message.previous_id = []
        done = all(message.string) if isinstance(message.string, tuple) else bool(message.string)
        if not done:
            missing.append(message.id)
        message.flags.discard("fuzzy")
    with PO.open("wb") as f:
        write_po(f, catalog, width=110)
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
