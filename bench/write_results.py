#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Replaces one benchmark's results in docs/benchmarks.md: the text between
"<!-- bench/NAME results: start -->" and "<!-- … end -->", adding the markers under HEADING at the
end of the document when they are missing.

    bench/write_results.py DOC NAME HEADING REPORT
"""
import pathlib
import sys


def main():
    doc, name, heading, report = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    start = f"<!-- bench/{name} results: start -->"
    end = f"<!-- bench/{name} results: end -->"
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if start not in text or end not in text:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{start}\n{report}\n{end}{tail}")


if __name__ == "__main__":
    main()
