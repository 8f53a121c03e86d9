"""Data Docs that work offline: every script, style sheet, font and image a page loads
comes from the site's own folder.

GX 1.24's page templates load Bootstrap 4, jQuery, bootstrap-table (which draws the
index's list of validations from data in the page), Font Awesome, Vega and more from
CDNs: offline, the index lists nothing and the pages are unstyled. Once GX has written the
site, `make_offline` copies those libraries from pinned Python packages into
`static/libraries/` and rewrites each page's tags to load them by relative path.
bootstrap-table ships in no Python package: its files are kept in `expectations/vendor/`.

What is dropped is cosmetic: Popper (Bootstrap's bundle holds it) and the dark colour
scheme (its style sheet is on no package index; GX's own dark-scheme overrides go with it,
so a reader in dark mode sees the light pages rather than half of each). Links a reader
may click (GX's site, its newsletter) stay: they load nothing.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
from pathlib import Path
from typing import NamedTuple

LIBRARIES_FOLDER = Path("static") / "libraries"
GX_IMAGES_FOLDER = Path("static") / "images"  # GX copies its images there with every build


class Library(NamedTuple):
    """Files of one library, found in `folder` of the Python package `package` and
    copied to `static/libraries/<name>/`."""

    name: str
    package: str
    folder: str


JQUERY = Library("jquery", "xstatic.pkg.jquery", "data")
BOOTSTRAP = Library("bootstrap", "xstatic.pkg.bootstrap", "data")
BOOTSTRAP_TABLE = Library("bootstrap-table", "expectations", "vendor/bootstrap-table")
DATEPICKER = Library("bootstrap-datepicker", "xstatic.pkg.bootstrap_datepicker", "data")
FONT_AWESOME = Library("font-awesome", "xstatic.pkg.font_awesome", "data")
VEGA = Library("vega", "js_lib_vega_embed", "static/js_lib_vega_embed")


class LocalFile(NamedTuple):
    library: Library
    path: str  # within the library's folder


_FILTER_CONTROL_CSS = LocalFile(
    BOOTSTRAP_TABLE, "extensions/filter-control/bootstrap-table-filter-control.min.css"
)

# Every CDN address in GX 1.24's templates and the file served instead (None: dropped).
# Bootstrap 4.5 and bootstrap-datepicker 1.4 stand in for GX's 4.3 and 1.9: same API.
LOCAL_FILES: dict[str, LocalFile | None] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": LocalFile(JQUERY, "jquery.min.js"),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": LocalFile(
        BOOTSTRAP, "css/bootstrap.min.css"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": LocalFile(
        BOOTSTRAP, "js/bootstrap.bundle.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": None,
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": LocalFile(
        BOOTSTRAP_TABLE, "bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": LocalFile(
        BOOTSTRAP_TABLE, "bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": _FILTER_CONTROL_CSS,
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": _FILTER_CONTROL_CSS,
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": LocalFile(
        BOOTSTRAP_TABLE, "extensions/filter-control/bootstrap-table-filter-control.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": LocalFile(DATEPICKER, "datepicker.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": LocalFile(DATEPICKER, "bootstrap-datepicker.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": LocalFile(
        FONT_AWESOME, "css/all.min.css"
    ),
    "https://cdn.jsdelivr.net/npm/vega@5": LocalFile(VEGA, "vega5.js"),
    "https://cdn.jsdelivr.net/npm/vega-lite@5": LocalFile(VEGA, "vega-lite5.js"),
    "https://cdn.jsdelivr.net/npm/vega-embed@6": LocalFile(VEGA, "vega-embed6.js"),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": None,
}
# Loaded by Font Awesome's style sheet, by paths relative to it.
FONT_FOLDERS = [LocalFile(FONT_AWESOME, "webfonts")]

# Data values are HTML-escaped on every page, so a `<` here starts GX's own markup.
_SCRIPT_TAG = re.compile(r'<script\b[^>]*\bsrc="(?P<url>https?://[^"]*)"[^>]*>\s*</script>')
_LINK_TAG = re.compile(r'<link\b[^>]*\bhref="(?P<url>https?://[^"]*)"[^>]*>')
# GX's own images, kept in the site by GX: the logo, which its pages fetch from GX's
# servers with the time and the site's id, and the favicon, one folder too shallow on
# validation pages.
_GX_IMAGE = re.compile(
    r'(?P<start><(?:img|link)\b[^>]*?\b(?:src|href)=")'
    r"(?:(?:\.\.?/)*static/images/|"
    r"https://great-expectations-web-assets\.s3\.us-east-2\.amazonaws\.com/)"
    r'(?P<image>[\w.-]+?)(?:\?[^"]*)?"'
)
_STYLE_ELEMENT = re.compile(r"(<style>)(?P<css>.*?)(</style>)", re.DOTALL)
_DARK_SCHEME = "@media (prefers-color-scheme: dark)"


def make_offline(site: Path) -> None:
    """Copy the libraries into `site` and point every page of it at the copies."""
    copy_libraries(site)
    for page in site.rglob("*.html"):
        markup = page.read_text(encoding="utf-8")
        offline = offline_markup(markup, os.path.relpath(site, page.parent))
        if offline != markup:
            page.write_text(offline, encoding="utf-8")


def copy_libraries(site: Path) -> None:
    wanted = {file for file in LOCAL_FILES.values() if file is not None}
    for file in sorted(wanted) + FONT_FOLDERS:
        source, target = _source(file), site / _site_path(file)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)


def offline_markup(markup: str, site_root: str) -> str:
    """`markup` of a page `site_root` (a relative path) below the site's folder, loading
    the local copies instead of the CDNs' files."""

    def local(file: LocalFile) -> str:
        return Path(site_root, _site_path(file)).as_posix()

    def script(match: re.Match[str]) -> str:
        if match["url"] not in LOCAL_FILES:
            return match[0]  # unknown to this GX version: left for the tests to catch
        file = LOCAL_FILES[match["url"]]
        return "" if file is None else f'<script src="{local(file)}"></script>'

    def link(match: re.Match[str]) -> str:
        if match["url"] not in LOCAL_FILES:
            return match[0]
        file = LOCAL_FILES[match["url"]]
        return "" if file is None else f'<link rel="stylesheet" href="{local(file)}">'

    def gx_image(match: re.Match[str]) -> str:
        image = Path(site_root, GX_IMAGES_FOLDER, match["image"]).as_posix()
        return f'{match["start"]}{image}"'

    def light_only(match: re.Match[str]) -> str:
        return match[1] + without_dark_scheme(match["css"]) + match[3]

    markup = _SCRIPT_TAG.sub(script, markup)
    markup = _LINK_TAG.sub(link, markup)
    markup = _GX_IMAGE.sub(gx_image, markup)
    return _STYLE_ELEMENT.sub(light_only, markup)


def without_dark_scheme(css: str) -> str:
    """`css` without its `@media (prefers-color-scheme: dark) { … }` blocks."""
    while (start := css.find(_DARK_SCHEME)) != -1:
        css = css[:start] + css[_block_end(css, css.index("{", start)) :]
    return css


def _block_end(css: str, opening: int) -> int:
    """The index just past the brace that closes the one at `opening`."""
    depth = 0
    for index in range(opening, len(css)):
        depth += {"{": 1, "}": -1}.get(css[index], 0)
        if depth == 0:
            return index + 1
    return len(css)


def _source(file: LocalFile) -> Path:
    package = importlib.import_module(file.library.package)
    return Path(package.__file__).parent / file.library.folder / file.path


def _site_path(file: LocalFile) -> Path:
    return LIBRARIES_FOLDER / file.library.name / file.path
