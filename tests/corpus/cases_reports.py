"""Corpus cases whose hostility is in names and texts the reports write (issue 9).

Each is partial's honest notebook under a hostile student folder name or beside a hostile file,
so it must score exactly PARTIAL and its page must show the name as text. A name that is not UTF-8
is given as ``os.fsdecode`` reads it (a str holding surrogates), which ``write_corpus`` turns back
into the same bytes. In the gradebook a student's id is ``escape.csv_cell(case.student)``, not the
folder name itself ("'=2+3", "report_�").
"""
from __future__ import annotations

import os

from tests.corpus.cases import PARTIAL, Case, _exact, _fixed, _handin, partial

__all__ = ["REPORT_CASES"]

REPORT_CASES: tuple[Case, ...] = (
    Case("=2+3", _fixed(partial), _exact(PARTIAL), says=("feedback for =2+3",)),
    Case("report_\x1b[31mred\x1b[0m<b>bold", _fixed(partial), _exact(PARTIAL),
         says=("feedback for report_red<b>bold",)),
    Case(os.fsdecode(b"report_\xff"), _fixed(partial), _exact(PARTIAL), says=("feedback for report_\ufffd",)),
    Case("report_timestamp_formula",
         lambda p: _handin(partial(), **{"timestamp.txt": b'=HYPERLINK("http://x","y")\n'}), _exact(PARTIAL),
         says=('handed in =HYPERLINK("http://x","y")',)),
    Case("report_file_not_utf8", lambda p: _handin(partial(), **{os.fsdecode(b"notes\xff.txt"): b"notes\n"}),
         _exact(PARTIAL), says=("your hand-in also holds notes\ufffd.txt",)),
    Case("report_file_html", lambda p: _handin(partial(), **{"<img src=x onerror=alert(1)>.py": b""}),
         _exact(PARTIAL), says=("your hand-in also holds <img src=x onerror=alert(1)>.py",)),
)
"""Students whose folder names, file names and timestamp.txt attack the gradebook, the pages and the terminal."""
