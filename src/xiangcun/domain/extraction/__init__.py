"""Reading a county plan (.txt/.docx/.pdf) into structured, reviewable data (the `xiangcun ingest` contract).

extract(path) -> dict            the JSON contract of the ingest command
extract_document(path) -> (dict, lines)   the same plus the document's text lines, for review pages
"""

from .document import DocumentError
from .extract import extract, extract_document

__all__ = ["DocumentError", "extract", "extract_document"]
