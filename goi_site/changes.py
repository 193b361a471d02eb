"""Which reports a pull request adds or changes, and a Markdown summary of them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from . import paths
from .corpus import Corpus, load_corpus
from .errors import GoiError
from .views import headline_specs, headline_values


def changed_reports(base: str, data_dir: Path) -> list[Path]:
    """Report files under data_dir that differ from git revision `base` (added or modified)."""
    try:
        run = subprocess.run(["git", "diff", "--name-only", "--diff-filter=AMR", "--end-of-options",
                              f"{base}...HEAD", "--", str(data_dir)],
                             capture_output=True, text=True, check=True, cwd=paths.repo_root())
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise GoiError(f"git could not compare with {base}: {detail.strip().splitlines()[-1] if detail.strip() else exc}") from None
    found = set()
    for name in run.stdout.splitlines():
        path = paths.repo_root() / name
        if path.suffix == ".yml":
            path = path.with_suffix(".txt")
        if path.suffix == ".txt" and path.exists():
            found.add(path)
    return sorted(found)


def summary_markdown(corpus: Corpus) -> str:
    env = Environment(loader=FileSystemLoader(str(paths.TEMPLATES)), autoescape=False, trim_blocks=True, lstrip_blocks=True)
    rows = [(r, headline_values(r)) for r in corpus.reports]
    return env.get_template("summary.md.j2").render(rows=rows, specs=headline_specs(), failures=corpus.failures)


def summarise_changes(base: str, data_dir: Path) -> str:
    files = changed_reports(base, data_dir)
    if not files:
        return "### goi: no report added or changed\n"
    return summary_markdown(load_corpus(files))
