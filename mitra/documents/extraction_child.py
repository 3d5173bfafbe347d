"""`python -m mitra.documents.extraction_child`: text extraction in a process of its own (see extraction.py)."""

from mitra.documents.extraction import child_main

if __name__ == "__main__":
    child_main()
