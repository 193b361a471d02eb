"""`goi build`: corpus → parse → checks → generated pages, charts and downloads → MkDocs.

Stages are timed (the scale benchmark prints them). The generated folder is wiped and
written anew each build; hand-written pages in site_src/ are never touched. The site is
built beside --out and swapped in when complete, under a lock (outdir.py).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from goi_site.core import paths
from goi_site.core.errors import GoiError, UsageError
from goi_site.core.parallel import Background
from goi_site.corpus.cache import ParseCache
from goi_site.corpus.load import Corpus, load_corpus
from goi_site.form.loader import Form, load_form
from goi_site.publish import outdir
from goi_site.publish.charts import spec_templates
from goi_site.publish.exports import write_downloads, zip_files
from goi_site.publish.frameviews import whole_frames


@dataclass
class BuildResult:
    corpus: Corpus
    out: Path
    generated: Path
    pages: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    cache_hits: int = 0
    cache_misses: int = 0
    notes: list[str] = field(default_factory=list)  # things the user should know (a repaired cache)
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
    """Vega, Vega-Lite and vega-embed in one script, from vl-convert (cached: it takes
    seconds). The cached file's name carries its SHA-256: a truncated or altered file
    does not match and is made again."""
    import hashlib

    import vl_convert

    version = _vegalite_version()
    stem = f"vega-bundle-{vl_convert.__version__}-{version}"
    for cached in sorted(paths.cache_dir().glob(f"{stem}-*.js")):
        data = cached.read_bytes()
        if hashlib.sha256(data).hexdigest() == cached.stem.rsplit("-", 1)[-1]:
            return data.decode("utf-8")
        cached.unlink(missing_ok=True)  # damaged: made again below
    bundle = vl_convert.javascript_bundle(vl_version=version)
    data = bundle.encode("utf-8")
    cache = paths.cache_dir() / f"{stem}-{hashlib.sha256(data).hexdigest()}.js"
    cache.parent.mkdir(parents=True, exist_ok=True)
    temp = cache.with_name(f".{cache.name}.{os.getpid()}")
    temp.write_bytes(data)
    temp.replace(cache)
    return bundle


def _vegalite_version() -> str:
    import altair

    return ".".join(altair.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def build_site(
    data: Path, out: Path, repo_url: str | None = None, run_mkdocs: bool = True, form: Form | None = None
) -> BuildResult:
    """Build into a temporary folder beside `out`, then swap it in: `out` is either the
    previous complete site or the new one, never half of one (see outdir.py). `form`: the
    form every stage uses, from reading the reports to the pages' charts, headlines and
    glossary (a public entry point: the shipped one by default)."""
    form = form if form is not None else load_form()
    if not data.is_dir():
        raise UsageError(f"--data {data}: {'not a folder' if data.exists() else 'no such folder'}")
    outdir.check_out(out, data)
    generated = generated_dir_for(data, out)
    outdir.check_ours(out)
    if generated != paths.default_site_src() / "generated":
        outdir.check_ours(generated, "the generated pages' folder")
    with outdir.build_lock(out), outdir.build_lock(generated):
        outdir.remove_leftovers(out)
        return _build(data, out, generated, repo_url, run_mkdocs, form)


def _build(data: Path, out: Path, generated: Path, repo_url: str | None, run_mkdocs: bool, form: Form) -> BuildResult:
    from goi_site.publish.pages import write_pages

    result = BuildResult(corpus=None, out=out, generated=generated)  # type: ignore[arg-type]
    cache = ParseCache()
    try:
        corpus = load_corpus(
            [data], cache, result.stages, corpus_root=data, form=form
        )  # the "parse" and "checks" stages
    finally:
        cache.close()
    result.cache_hits, result.cache_misses = cache.hits, cache.misses
    if cache.repaired:
        result.notes.append(cache.repaired)
    result.corpus = corpus
    if corpus.failures:
        raise GoiError(f"{len(corpus.failures)} report(s) could not be read; run `goi validate` for the reasons")
    building = outdir.temporary_beside(out, "building")
    staging = outdir.temporary_beside(out, "downloads")  # outside MkDocs: moved into the site after it
    outdir.clear(generated, "the generated pages' folder")
    try:
        root = data.resolve().parent
        with _stage(result, "csv"):
            # The frames, once: every download is written from them, and the pages read every
            # number from the same frames (kept per chunk, without the long table).
            kept: list = []
            downloads, to_zip = write_downloads(
                corpus.reports, staging, root, zip_now=False, timings=result.downloads, keep=kept, form=form
            )
            frames = whole_frames(kept)
        with _stage(result, "pages"):
            result.pages = write_pages(
                corpus, generated, root, repo_url or os.environ.get("GOI_REPO_URL"), downloads, form, frames=frames
            )
        with _stage(result, "charts"):
            specs = generated / "assets" / "charts" / "specs.json"
            specs.parent.mkdir(parents=True, exist_ok=True)
            specs.write_text(
                json.dumps(spec_templates(form), ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                encoding="utf-8",
            )
            vendor = generated / "assets" / "vendor"
            vendor.mkdir(parents=True, exist_ok=True)
            (vendor / "vega-bundle.js").write_text(vega_bundle(), encoding="utf-8")
        # Large downloads are zipped on the second core while MkDocs (single-threaded) builds.
        zipper = Background(zip_files, staging, to_zip) if to_zip else None
        if run_mkdocs:
            with _stage(result, "mkdocs"):
                run_mkdocs_build(generated, building)
        building.mkdir(parents=True, exist_ok=True)
        with _stage(result, "csv"):
            if zipper is not None and not zipper.wait():
                raise GoiError("zipping the large downloads failed")
            # The downloads page itself is site/downloads/index.html: merge the files in beside it.
            target = building / "downloads"
            target.mkdir(parents=True, exist_ok=True)
            for child in sorted(staging.iterdir()):
                destination = target / child.name
                if destination.is_dir():
                    shutil.rmtree(destination)
                elif destination.exists():
                    destination.unlink()
                child.rename(destination)
        outdir.mark(building)
        outdir.swap_in(building, out)
    finally:
        for folder in (building, staging):
            shutil.rmtree(folder, ignore_errors=True)
    return result


def run_mkdocs_build(generated: Path, out: Path) -> None:
    """`mkdocs build --strict` of mkdocs.yml, with the generated folder and output given."""
    import logging

    import jieba
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    jieba.setLogLevel(logging.WARNING)  # its "building prefix dict" chatter is not ours to print
    from goi_site.publish.mkdocs_hooks import GENERATED_KEY

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        config = load_config(str(paths.repo_root() / "mkdocs.yml"), site_dir=str(out.resolve()), strict=True)
        config["extra"][GENERATED_KEY] = str(generated.resolve())  # read by the hook, mkdocs_hooks.py
        build(config)
    except (Abort, ConfigurationError) as exc:
        raise GoiError(f"mkdocs build --strict failed: {exc}") from None


def site_size(out: Path) -> tuple[int, int]:
    files = [p for p in out.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)
