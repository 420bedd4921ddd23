"""Do the demo class's feedback pages and class summary read in a real browser, on a desktop and on a phone?

Real Chromium: Debian's package (``make test`` installs it; this test installs it too when it is missing and
the machine allows), driven over the DevTools protocol by playwright's Python package with
``executable_path`` pointing at it (playwright's own browser download is never used). Each page is opened
at 1280 and at 390 CSS pixels wide and must: not scroll sideways, ask for nothing but itself and data: URIs,
and show every image decoded; at 390 px a plot fills the width (its panels stack) instead of shrinking.
The pages come from the demo class graded once per session (the ``demo_run`` fixture, shared with test_cli),
and its hw3 graded in Korean (``demo_run_ko``, shared with test_korean_run).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

WIDTHS = (1280, 390)
"""A desktop browser's width and a phone's (CSS pixels)."""
_PROBE = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  broken: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt),
  plots: Array.from(document.images).filter(i => i.src.startsWith('data:image/svg+xml'))
              .map(i => i.getBoundingClientRect().width / window.innerWidth),
})"""
"""What the page itself reports: how far it scrolls sideways, images not decoded, each plot's share of the width."""


def _chromium() -> str:
    """Debian's chromium, installed with apt-get when missing and this process may; skips saying why otherwise."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], capture_output=True, timeout=900)
        found = shutil.which("chromium")
    if found is None:
        pytest.skip("no Chromium: install Debian's chromium package (make test does, as root with apt-get)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for every page."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright's Python package is not installed "
                                                                 "(pip install -e . installs it)")
    executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


def _pages(out: Path) -> list[Path]:
    """Every feedback page of the run, and the class summary's page where the run wrote one."""
    return sorted(out.glob("feedback/*/*/*.html")) + sorted(out.glob("summary.html"))


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("run, least", [("demo_run", 16), ("demo_run_ko", 5)])
def test_do_the_demo_pages_fit_the_screen_stay_offline_and_show_every_image(request, run, least, browser, width):
    """At ``width`` px: no sideways scrolling, no request leaving the page, every image decoded, plots full width
    on a phone; in English (the whole demo class) and in Korean (its hw3, whose words break differently)."""
    _, out = request.getfixturevalue(run)
    pages = _pages(out)
    assert len(pages) >= least, f"the {run} fixture wrote {len(pages)} pages"
    context = browser.new_context(viewport={"width": width, "height": 900})
    problems = []
    for path in pages:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(path.as_uri(), wait_until="load")
        seen = page.evaluate(_PROBE)
        name = path.relative_to(out)
        if seen["overflow"] > 0:
            problems.append(f"{name} scrolls sideways by {seen['overflow']} px")
        outside = [url[:80] for url in requests if url != path.as_uri() and not url.startswith("data:")]
        if outside:
            problems.append(f"{name} asked for {outside}")
        if seen["broken"]:
            problems.append(f"{name} has images not decoded: {seen['broken']}")
        if width < 500 and any(share < 0.75 for share in seen["plots"]):
            problems.append(f"{name} shrinks a plot to {min(seen['plots']):.0%} of a phone's width")
        page.close()
    context.close()
    assert not problems, "\n".join(problems)
