"""Every relative link in the README and docs/ points at a file that exists, and every
``#anchor`` at a heading of that file (GitHub's heading ids), so a moved file or a renamed
heading cannot leave a dead link behind."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")  # [text](target), not images
FENCE = re.compile(r"```.*?```", re.S)  # code blocks: their "# ..." lines are not headings
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)  # and inline code: its [x](y) is not a link


def heading_ids(page: Path) -> set[str]:
    """GitHub's ids: lower case, punctuation dropped (but - and _), spaces to hyphens."""
    ids = set()
    for line in FENCE.sub("", page.read_text()).splitlines():
        if m := re.match(r"#{1,6}\s+(.*)", line):
            title = m.group(1).strip().lower().replace("`", "")
            ids.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return ids


def links(page: Path) -> list[str]:
    return [t for t in LINK.findall(CODE.sub("", page.read_text())) if not re.match(r"[a-z]+:", t)]


def test_heading_ids_follow_github():
    page = ROOT / "docs" / "benchmarks.md"
    assert "the-run-of-2026-12-03-reading-5000-characters-by-sentence" in heading_ids(page)


def dead_links(page: Path) -> list[str]:
    dead = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            dead.append(f"{target}: no file {file.name}")
        elif anchor and file.suffix == ".md" and anchor not in heading_ids(file):
            dead.append(f"{target}: no heading #{anchor} in {file.name}")
    return dead


def test_a_dead_file_or_heading_is_found(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## A `code` heading, with 5,000 marks!\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#a-code-heading-with-5000-marks) [gone](missing.md) [typo](other.md#othr-page)\n"
        "`[not a link](nowhere.md)` [web](https://example.com/x.md) ![img](pic.png)\n"
        "```\n# not a heading\n```\n"
    )
    assert dead_links(page) == [
        "missing.md: no file missing.md",
        "other.md#othr-page: no heading #othr-page in other.md",
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(page):
    assert not dead_links(page), f"dead links in {page.name}"
