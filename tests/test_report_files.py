"""The report builders are pure: content in memory; only io writes it."""
from __future__ import annotations

import ast
import io
from pathlib import Path

import openpyxl
import pytest

import futiangis
from futiangis.io.reports import publish_files, write_files
from futiangis.report import REPORT_FILES, report_tables, target_report_files
from test_report import result  # noqa: F401  (the fixture)

PACKAGE = Path(futiangis.__file__).parent
#: the modules allowed to write files: io, the shells, the CLI and the API
WRITERS = ("io/", "cli/", "project/", "build.py", "build_data.py", "siting_report.py", "api.py")


def test_target_report_files_is_content_only(result, tmp_path):  # noqa: F811
    files = target_report_files(result)
    tables = report_tables(result)
    assert list(files)[: len(tables)] == [f"{n}.csv" for n in tables]
    assert set(REPORT_FILES.values()) <= set(files)
    assert all(isinstance(v, bytes) and v for v in files.values())
    assert files["target_report.md"].decode("utf-8").startswith("# 产业空间目标核算")
    assert files["target_progress.png"][:8] == b"\x89PNG\r\n\x1a\n"
    wb = openpyxl.load_workbook(io.BytesIO(files["target_report.xlsx"]), read_only=True)
    assert wb.sheetnames[0] == "README" and "targets" in wb.sheetnames
    assert list(tmp_path.iterdir()) == []  # building wrote nothing


def test_write_files_writes_exactly_the_content(tmp_path):
    written = write_files({"a.csv": b"x,y\r\n1,2\r\n", "b.md": "# 标题\n"}, tmp_path)
    assert [p.name for p in written] == ["a.csv", "b.md"]
    assert (tmp_path / "a.csv").read_bytes() == b"x,y\r\n1,2\r\n"
    assert (tmp_path / "b.md").read_bytes() == "# 标题\n".encode()


def test_publish_files_publishes_a_whole_folder(tmp_path):
    out = tmp_path / "report"
    written = publish_files({"t.csv": b"1"}, out)
    assert written == [out / "t.csv"] and (out / "t.csv").read_bytes() == b"1"
    assert sorted(p.name for p in out.iterdir()) == [".futiangis-output", "t.csv"]


def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            names.add(f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", ""))
    return names


@pytest.mark.parametrize("path", sorted(p for p in PACKAGE.rglob("*.py")
                                        if not str(p.relative_to(PACKAGE)).startswith(WRITERS)),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_core_writes_no_file(path):
    """No core module opens, writes or saves a file itself (only io does)."""
    called = _calls(path)
    forbidden = {"open", "write_bytes", "write_text", "to_file", "write_bytes_atomic",
                 "write_text_atomic", "atomic_output_dir", "write_layer"}
    assert not (called & forbidden), f"{path.name} calls {sorted(called & forbidden)}"
