"""MkDocs hook (plain MkDocs `hooks:`, not a plugin): serve the generated pages.

`goi build` writes generated pages and data into their own folder (site_src/generated/
by default, or the folder the build names in the config, `extra.goi_generated_dir`:
sitebuild.run_mkdocs_build). This hook adds that folder's files at the site root, so
generated pages get clean URLs (/agencies/410411-shangwuju/) while hand-written pages
stay beside them in site_src/, and puts back the HTML blocks kept out of Markdown (parts.py).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File, Files

from goi_site.publish import parts

GENERATED_KEY = "goi_generated_dir"  # in the config's `extra`: set by the build, not by mkdocs.yml


def generated_dir(config) -> Path:
    configured = (config["extra"] or {}).get(GENERATED_KEY)
    return Path(configured) if configured else Path(config["docs_dir"]) / "generated"


def on_files(files: Files, config) -> Files:
    root = generated_dir(config)
    if not root.is_dir():
        raise SystemExit(f"goi: no generated pages in {root}; run `goi build` (it also runs MkDocs)")
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(parts.SUFFIX) and not path.name.startswith("."):  # not the marker
            uri = path.relative_to(root).as_posix()
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            files.append(File(uri, str(root), config["site_dir"], config["use_directory_urls"]))
    return files


def on_post_page(output: str, page, config) -> str:
    """Put a generated page's HTML blocks back where their placeholders are."""
    src_dir = page.file.src_dir
    if not src_dir:
        return output
    parts_file = Path(src_dir) / (page.file.src_uri + parts.SUFFIX)
    if not parts_file.exists():
        return output
    return parts.put_back(output, parts_file.read_text(encoding="utf-8").split(parts.SEPARATOR))
