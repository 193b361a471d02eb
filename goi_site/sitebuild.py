"""`goi build`: corpus → parse → checks → generated pages, charts and downloads → MkDocs.

Stages are timed (the scale benchmark prints them). The generated folder is wiped and
written anew each build; hand-written pages in site_src/ are never touched.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .cache import ParseCache
from .corpus import Corpus, load_corpus
from .errors import GoiError
from .exports import write_downloads, zip_files


@dataclass
class BuildResult:
    corpus: Corpus
    out: Path
    generated: Path
    pages: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    cache_hits: int = 0
    cache_misses: int = 0
    downloads: dict[str, float] = field(default_factory=dict)  # seconds per format, within the csv stage

    @property
    def total(self) -> float:
        return sum(self.stages.values())


@contextmanager
def _stage(result: BuildResult, name: str):
    start = time.perf_counter()
    yield
    result.stages[name] = result.stages.get(name, 0.0) + time.perf_counter() - start


def generated_dir_for(data: Path, out: Path) -> Path:
    """site_src/generated for the project's own corpus; beside --out for any other."""
    if data.resolve() == paths.default_data_dir().resolve():
        return paths.default_site_src() / "generated"
    return out.parent / f"{out.name}-generated"


def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script, from vl-convert (cached: it takes seconds)."""
    import vl_convert

    version = _vegalite_version()
    cache = paths.cache_dir() / f"vega-bundle-{vl_convert.__version__}-{version}.js"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(vl_convert.javascript_bundle(vl_version=version), encoding="utf-8")
    return cache.read_text(encoding="utf-8")


def _vegalite_version() -> str:
    import altair

    return ".".join(altair.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def build_site(data: Path, out: Path, repo_url: str | None = None, run_mkdocs: bool = True) -> BuildResult:
    from .pages import write_pages

    result = BuildResult(corpus=None, out=out, generated=generated_dir_for(data, out))  # type: ignore[arg-type]
    cache = ParseCache()
    corpus = load_corpus([data], cache, result.stages)  # records the "parse" and "checks" stages
    cache.close()
    result.cache_hits, result.cache_misses = cache.hits, cache.misses
    result.corpus = corpus
    if corpus.failures:
        raise GoiError(f"{len(corpus.failures)} report(s) could not be read; run `goi validate` for the reasons")
    generated = result.generated
    staging = out.parent / f".{out.name}-downloads"  # outside MkDocs: moved into the site after it
    for folder in (generated, staging):
        if folder.exists():
            shutil.rmtree(folder)
    generated.mkdir(parents=True)
    root = data.resolve().parent
    with _stage(result, "csv"):
        downloads, to_zip = write_downloads(corpus.reports, staging, root, zip_now=False, timings=result.downloads)
    result.pages = write_pages(corpus, generated, root, repo_url or os.environ.get("GOI_REPO_URL"), downloads,
                               result, _stage)
    with _stage(result, "charts"):
        vendor = generated / "assets" / "vendor"
        vendor.mkdir(parents=True, exist_ok=True)
        (vendor / "vega-bundle.js").write_text(vega_bundle(), encoding="utf-8")
    # Large downloads are zipped on the second core while MkDocs (single-threaded) builds.
    zipper = _start(zip_files, staging, to_zip) if to_zip else None
    if run_mkdocs:
        with _stage(result, "mkdocs"):
            run_mkdocs_build(generated, out)
    with _stage(result, "csv"):
        if zipper is not None:
            zipper.join()
            if zipper.exitcode != 0:
                raise GoiError("zipping the large downloads failed")
        # The downloads page itself is site/downloads/index.html: merge the files in beside it.
        target = out / "downloads"
        target.mkdir(parents=True, exist_ok=True)
        for child in sorted(staging.iterdir()):
            destination = target / child.name
            if destination.is_dir():
                shutil.rmtree(destination)
            elif destination.exists():
                destination.unlink()
            child.rename(destination)
        staging.rmdir()
    return result


def _start(function, *args):
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    process = multiprocessing.get_context(method).Process(target=function, args=args)
    process.start()
    return process


def run_mkdocs_build(generated: Path, out: Path) -> None:
    """`mkdocs build --strict` of mkdocs.yml, with the generated folder and output given."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its "building prefix dict" chatter is not ours to print
    os.environ["GOI_GENERATED_DIR"] = str(generated.resolve())
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        config = load_config(str(paths.repo_root() / "mkdocs.yml"), site_dir=str(out.resolve()), strict=True)
        build(config)
    except (Abort, ConfigurationError) as exc:
        raise GoiError(f"mkdocs build --strict failed: {exc}") from None
    finally:
        os.environ.pop("GOI_GENERATED_DIR", None)


def site_size(out: Path) -> tuple[int, int]:
    files = [p for p in out.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)

