#!/usr/bin/env python
"""Django's command-line utility; the installed `mitra` script does the same."""

from mitra.cli import main

if __name__ == "__main__":
    main()
