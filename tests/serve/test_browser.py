"""The page in a real browser: headless Chromium (Debian's) driven by Playwright.

Skips, saying why, when Playwright or Chromium is missing; under CI (``$CI`` set) that is
a failure instead, since ``.ci/run`` installs Chromium. Screenshots go to
``artifacts/browser/`` (git-ignored).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path

import pytest
from helpers import GRADIO_WARNINGS, ROOT

from emotions.labels import LABELS, VIEWS

ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
TEXT = "OMG, yep!!! That is the final answer! Thank you so much!"
TIMEOUT = 30_000  # ms: this runs beside other work on small machines
pytestmark = GRADIO_WARNINGS


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROME_BIN"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser test (.ci/run installs Chromium).")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: pip install -r requirements-dev.txt")
    chromium = find_chromium()
    if chromium is None:
        unavailable("Chromium not found (set CHROME_BIN or apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def url(client, browser):
    return client.src


@pytest.fixture
def page(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    yield page
    context.close()
    assert not dialogs, f"a script from user text ran: {dialogs}"


def submit(page, text: str = TEXT) -> None:
    box = page.locator("#text-input textarea")
    box.fill(text)
    box.press("Enter")
    page.locator("#bars .emo-row").first.wait_for()


def chips(page) -> list[str]:
    return page.locator("#detected .emo-chip .emo-name").all_inner_texts()


def shot(page, name: str) -> None:
    page.wait_for_timeout(300)  # let transitions settle
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_submit_shows_emojis_and_bars(page):
    from playwright.sync_api import expect

    submit(page)
    expect(page.locator("#bars .emo-row")).to_have_count(len(LABELS))
    names = chips(page)
    assert names and set(names) <= set(LABELS)
    first = page.locator("#detected .emo-chip").first
    assert first.locator(".emo-emoji").inner_text().strip() and re.search(r"\d+%", first.inner_text())
    assert page.locator("#bars .emo-row.pass").count() == len(names)
    assert "threshold" in page.locator("#bars .emo-row").first.get_attribute("aria-label")
    assert "Model:" in page.locator("#footer").inner_text()
    shot(page, "desktop")


def test_global_slider_changes_the_detected_set(page):
    from playwright.sync_api import expect

    submit(page)
    page.locator("#mode").get_by_label("Global").check()
    slider = page.locator("#global-threshold input[type=range]")
    expect(slider).to_be_visible()
    expect(page.locator("#sensitivity")).to_be_hidden()
    detected = {}
    for value in ("0.99", "0.05"):
        slider.fill(value)
        pattern = re.compile(f"threshold {round(float(value) * 100)}%")
        expect(page.locator("#bars .emo-row").first).to_have_attribute("aria-label", pattern)
        detected[value] = set(chips(page))
    assert detected["0.99"] < detected["0.05"], detected
    shot(page, "global-threshold")


def test_view_switch_rolls_up(page):
    from playwright.sync_api import expect

    page.get_by_text(TEXT, exact=True).first.click()  # an example fills the box and runs
    page.locator("#bars .emo-row").first.wait_for()
    assert page.locator("#text-input textarea").input_value() == TEXT
    for label, view in (("Sentiment", "sentiment"), ("Ekman's 6 + neutral", "ekman")):
        page.locator("#view").get_by_label(label).check()
        expect(page.locator("#bars .emo-row")).to_have_count(len(VIEWS[view]))
        names = page.locator("#bars .emo-label").all_inner_texts()
        assert {n.split(" ", 1)[1].strip(" ✎") for n in names} == set(VIEWS[view])
    shot(page, "ekman-view")


def test_override_one_threshold_and_reset(page):
    from playwright.sync_api import expect

    submit(page, "so")
    # the strongest emotion below its threshold: an override of 0.01 must let it through
    name = page.locator("#bars .emo-row.fail").first.get_attribute("aria-label").split(":")[0]
    row = page.locator(f"#bars .emo-row[aria-label^='{name}:']")
    page.locator("#threshold-emotion input").click()
    page.locator("#threshold-emotion input").fill(name)
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.locator("#threshold-info")).to_contain_text(name)
    page.locator("#threshold-value input[type=range]").fill("0.01")
    expect(row).to_have_class(re.compile("pass"))
    expect(row).to_have_attribute("aria-label", re.compile(r"threshold 1% \(set by you\)"))
    expect(page.locator("#threshold-info")).to_contain_text("set by you")
    assert name in chips(page)
    shot(page, "override")
    page.get_by_role("button", name="Reset this one").click()
    expect(row).not_to_have_attribute("aria-label", re.compile("set by you"))
    expect(page.locator("#threshold-info")).to_contain_text("calibrated")


def test_batch_upload_and_download(page, tmp_path):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Batch").click()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n1,2\n")
    page.locator("#upload input[type=file]").set_input_files(str(bad))
    expect(page.locator("#batch-status")).to_contain_text("no 'text' column")
    shot(page, "batch-error")
    good = tmp_path / "texts.csv"
    rows = ["I love this <b>bold</b> thing", "<img src=x onerror=alert(1)> so sad", "thanks 🙏"]
    with good.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "text"], *[[i, t] for i, t in enumerate(rows)]])
    page.locator("#upload button[aria-label*='Clear'], #upload button[aria-label*='clear']").first.click()
    page.locator("#upload input[type=file]").set_input_files(str(good))
    expect(page.locator("#batch-status")).to_contain_text("Scored 3 texts")
    table = page.locator("#batch-table")
    expect(table).to_contain_text("<b>bold</b>")  # shown as text
    assert table.locator("b, img").count() == 0  # never rendered
    assert page.locator("#batch-counts .emo-row").count() >= 1
    with page.expect_download() as download:
        page.locator("#download").click()
    saved = ARTIFACTS / "emotions.csv"
    download.value.save_as(saved)
    with saved.open(encoding="utf-8") as f:
        records = list(csv.reader(f))
    assert records[0] == ["text", "detected", *LABELS] and [r[0] for r in records[1:]] == rows
    shot(page, "batch")


def test_phone_width_and_dark_mode(browser, url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    try:
        for name, address in (("phone", url), ("phone-dark", url + "?__theme=dark")):
            page = context.new_page()
            page.set_default_timeout(TIMEOUT)
            page.goto(address)
            submit(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"the page scrolls sideways by {overflow}px at phone width"
            if name.endswith("dark"):
                assert page.evaluate("document.body.classList.contains('dark')")
            shot(page, name)
            page.close()
    finally:
        context.close()


def luminance(css_color: str) -> float:
    """The relative luminance (WCAG) of an ``rgb(...)``/``rgba(...)`` colour."""
    red, green, blue = (int(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_dark_mode_desktop_is_dark_and_its_labels_readable(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.goto(url + "?__theme=dark")
    submit(page)
    assert page.evaluate("document.body.classList.contains('dark')")
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.gradio-container')).backgroundColor"
    )
    assert luminance(background) < 0.1, f"the page is not dark: {background}"
    for label in ("#bars .emo-row.fail .emo-label", "#bars .emo-row .emo-label"):
        color = page.locator(label).first.evaluate("e => getComputedStyle(e).color")
        contrast = (luminance(color) + 0.05) / (luminance(background) + 0.05)
        assert contrast >= 4.5, f"{label}: {color} on {background} (contrast {contrast:.1f})"
    shot(page, "dark")
    page.close()


ISSUE = "I was so worried about you! Thank god you're safe. But honestly, I'm furious you didn't call."
CHAT = "Anna: I got the job!!!\nBen: No way, congratulations! I'm so proud of you.\nAnna: Thanks... I'm scared though."


def read_arc(page, text: str) -> None:
    from playwright.sync_api import expect

    box = page.locator("#text-input textarea")
    box.fill(text)
    page.locator("#submit").click()
    expect(page.locator("#arc")).to_be_visible()
    page.locator("#arc-sentences li").first.wait_for()


def test_a_longer_text_shows_its_emotion_arc(page):
    from playwright.sync_api import expect

    read_arc(page, ISSUE)
    expect(page.locator("#arc-sentences li")).to_have_count(3)
    assert "furious" in page.locator("#arc-sentences li").nth(2).inner_text()
    expect(page.locator("#arc-chart canvas, #arc-chart svg").first).to_be_visible()  # the chart is drawn
    expect(page.locator("#arc-summary details").first).to_be_visible()
    page.locator("#arc-summary details summary").first.click()  # which sentences carry it
    expect(page.locator("#arc-summary details[open] li").first).to_be_visible()
    expect(page.locator("#detected")).to_contain_text("Sentence 1 of 3")
    page.locator("#sentence-choice input").click()
    page.get_by_role("option", name=re.compile("^3\\. But honestly")).click()
    expect(page.locator("#detected")).to_contain_text("Sentence 3 of 3")
    expect(page.locator("#why-text")).to_contain_text("furious")  # its words, explained
    shot(page, "arc")
    page.locator("#mode").get_by_label("Global").check()  # every sentence re-cut at once
    page.locator("#global-threshold input[type=range]").fill("0.01")
    expect(page.locator("#arc-sentences li").first).to_have_attribute("style", re.compile("--emo-c"))


def test_a_conversation_shows_each_speaker(page):
    from playwright.sync_api import expect

    read_arc(page, CHAT)
    expect(page.locator("#arc-sentences .emo-who").first).to_have_text("Anna:")
    expect(page.locator("#arc-summary")).to_contain_text("Speakers")
    expect(page.locator("#arc-summary .emo-who-row")).to_have_count(2)
    shot(page, "conversation")


def test_a_french_text_is_marked_unreliable(page):
    from playwright.sync_api import expect

    read_arc(page, "Je suis tellement heureux aujourd'hui. Merci beaucoup pour ton aide !")
    expect(page.locator("#detected")).to_contain_text("looks like French (fr)")
    expect(page.locator("#detected")).to_contain_text("unreliable")


def test_the_arc_at_phone_width_in_dark_mode(browser, url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(url + "?__theme=dark")
        read_arc(page, ISSUE)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px at phone width"
        shot(page, "arc-phone-dark")
    finally:
        context.close()
