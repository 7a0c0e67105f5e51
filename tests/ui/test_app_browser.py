"""The real web app in headless Chromium: `kaynak serve` as a subprocess on its own data dir.

Run with ``pytest -m browser tests/ui/test_app_browser.py``. Needs Debian's chromium at /usr/bin/chromium.
The data dir starts as a copy of the session's thesis index (tests/conftest.py), so the server loads it instead
of embedding the thesis a second time; uploads and removals in these tests touch only the copy. Each page is
opened with a browser locale (Playwright sets navigator.language and Accept-Language from it), and what it must
show in that language is read from the same catalogues the app uses.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from chromium import CHROME_ARGS, CHROMIUM, free_port, kaynak_command, playwright_or_skip
from ui.i18n import translator

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
ANSWER_TIMEOUT = 240_000  # ms: a loaded 2-core machine can take a while on the first question
LOCAL = re.compile(r"^(https?|wss?)://127\.0\.0\.1(:\d+)?(/|$)")
KY_SENTENCE = ("Мамлекеттердин согушту алдын алуу же согуштан качуу үчүн түзгөн жана түзө турган аскердик жана "
               "коопсуздук кызматташтыгы азыркы учурда кабыл алынган чындык болуп калды.")
FACT_DOC = ("Zorkmid Vakfı Raporu\n\n"
            "Zorkmid Vakfı, 2031 yılında Bişkek'te 417 oyuncunun katıldığı Gök Bayrak satranç turnuvasını düzenledi. "
            "Turnuvanın ödülü altın bir at heykeliydi.\n")
FACT_Q = "Zorkmid Vakfı 2031 yılında Bişkek'te kaç oyuncunun katıldığı bir satranç turnuvası düzenledi?"

REQUESTS: list[str] = []

sync_api = playwright_or_skip()


@pytest.fixture(scope="module")
def server(tmp_path_factory, thesis_dir: Path):
    port = free_port()
    data = tmp_path_factory.mktemp("serve") / "data"
    log_path = data.parent / "serve.log"
    shutil.copytree(thesis_dir, data, ignore=shutil.ignore_patterns("uploads", "eval-runs", ".lock"))
    env = {**os.environ, "KAYNAK_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "KAYNAK_AUTH": ""}
    log = open(log_path, "w")
    proc = subprocess.Popen([*kaynak_command(), "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + float(os.environ.get("KAYNAK_TEST_SERVE_TIMEOUT", "1800"))
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"kaynak serve exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"kaynak serve did not answer in time:\n{log_path.read_text()[-3000:]}")
            time.sleep(2)
        yield {"url": url, "proc": proc, "log": log_path}
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        yield b
        b.close()


def _page(browser, server, locale="en-US"):
    """A fresh browser profile with this locale, once the app has put its words in the page's language."""
    ctx = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.on("request", lambda r: REQUESTS.append(r.url))
    page.on("websocket", lambda ws: REQUESTS.append(ws.url))
    page.goto(server["url"], wait_until="load")
    page.wait_for_selector("#k-question textarea", timeout=60_000)
    page.wait_for_function("(lang) => document.querySelector('#k-ui-lang input:checked')?.value === lang",
                           arg=LOCALES[locale], timeout=30_000)
    return ctx, page


@pytest.fixture()
def page_en(browser, server):
    ctx, page = _page(browser, server, "en-US")
    yield page
    ctx.close()


@pytest.fixture()
def page_tr(browser, server):
    ctx, page = _page(browser, server, "tr-TR")
    yield page
    ctx.close()


@pytest.fixture()
def page_ky(browser, server):
    ctx, page = _page(browser, server, "ky-KG")
    yield page
    ctx.close()


def _dev(dev_qa, qid):
    return next(q for q in dev_qa if q["id"] == qid)


def _ask(page, question: str):
    """Ask and wait for the cited answer; returns the sources panel text."""
    page.locator("#k-clear").click()  # a fresh chat: no old notice or sources to mistake for the answer
    page.wait_for_function("() => !document.querySelector('#k-chat-notice .k-error, #k-sources .k-sources')",
                           timeout=30_000)
    page.locator("#k-question textarea").fill(question)
    page.locator("#k-ask").click()
    page.wait_for_function(
        "() => document.querySelector('#k-sources .k-sources, #k-chat-notice .k-error') !== null",
        timeout=ANSWER_TIMEOUT)
    assert page.locator("#k-chat-notice .k-error").count() == 0, page.locator("#k-chat-notice").inner_text()
    return page.locator("#k-sources").inner_text()


def _assert_cited(page, must_contain: str, page_abbr: str):
    chips = page.locator("#k-chat a.k-chip")
    assert chips.count() >= 1, page.locator("#k-chat").inner_text()
    first = page.locator("#k-sources .k-sources").first
    marks = first.locator(".k-src mark")
    assert marks.count() >= 1
    panel = first.inner_text()
    assert must_contain in panel, panel[:2000]
    assert re.search(rf"{re.escape(page_abbr)} \d+", panel), panel[:500]
    # a chip scrolls to and flashes its source card
    chips.last.click()
    page.wait_for_selector("#k-sources .k-src.k-flash", timeout=5_000)


# ------------------------------------------------------------------------------ the interface languages
LOCALES = {"ky-KG": "ky", "ru-RU": "ru", "tr-TR": "tr", "en-US": "en"}
TABS = ["Chat", "Cross-language lookup", "Documents", "Evaluation", "Settings"]
# The buttons of each tab (msgids). The example questions are data, not interface, and are left out.
BUTTONS = {"Chat": ["Ask", "Clear chat"], "Cross-language lookup": ["Look up"],
           "Documents": ["Upload TXT, MD, PDF, HTML or DOCX", "Remove document", "Refresh"],
           "Evaluation": ["Choose a QA file (JSONL)", "Run evaluation"], "Settings": []}
SHOWN_BUTTONS = """(panel) => [...panel.querySelectorAll('button')]
  .filter((b) => b.offsetParent !== null && !b.closest('#k-examples'))
  .map((b) => b.innerText.trim()).filter((t) => /\\p{L}/u.test(t))"""


@pytest.mark.parametrize("locale", list(LOCALES))
def test_the_page_speaks_the_browser_language(browser, server, locale):
    """Every tab title and every button in the browser's language, from the first paint of the app on."""
    lang = LOCALES[locale]
    _ = translator(lang)
    ctx, page = _page(browser, server, locale)
    try:
        assert page.evaluate("document.documentElement.lang") == lang
        assert [t.inner_text().strip() for t in page.get_by_role("tab").all()] == [_(t) for t in TABS]
        assert page.locator("#k-question label").first.inner_text().strip() == _("Your question")
        # the page-load event that words the panels may still be running (Gradio shows its timer there meanwhile)
        expected = _("Sources appear here with the answer.")
        page.wait_for_function("(t) => document.querySelector('#k-sources').innerText.trim() === t", arg=expected,
                               timeout=30_000)
        assert page.locator("#k-sources").inner_text().strip() == expected
        for tab in TABS:
            page.get_by_role("tab", name=_(tab), exact=True).click()
            panel = page.locator("[role=tabpanel]:visible").first
            panel.wait_for(timeout=10_000)
            page.wait_for_timeout(300)
            assert sorted(panel.evaluate(SHOWN_BUTTONS)) == sorted(_(b) for b in BUTTONS[tab]), (locale, tab)
        page.screenshot(path=str(SHOTS / f"interface_{lang}.png"), full_page=True)
    finally:
        ctx.close()


def test_enter_sends_the_question_and_the_box_keeps_focus(page_tr, dev_qa):
    page = page_tr
    _ = translator("tr")
    box = page.locator("#k-question textarea")
    box.click()
    box.type("birinci satır")
    page.keyboard.press("Shift+Enter")  # a new line, not a question
    box.type("ikinci satır")
    assert box.input_value() == "birinci satır\nikinci satır"
    assert "birinci" not in page.locator("#k-chat").inner_text()
    # what the button shows while the answer is computed, recorded as it changes
    page.evaluate("""() => {
      const b = document.querySelector('#k-ask');
      window.__busy = [];
      new MutationObserver(() => window.__busy.push([b.disabled, b.innerText.trim()]))
        .observe(b, {attributes: true, childList: true, subtree: true, characterData: true});
    }""")
    box.fill(_dev(dev_qa, "d003")["question"])
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#k-sources .k-sources') !== null", timeout=ANSWER_TIMEOUT)
    page.wait_for_function("() => !document.querySelector('#k-ask').disabled", timeout=30_000)
    assert [True, _("Answering…")] in page.evaluate("window.__busy")
    assert page.locator("#k-ask").inner_text().strip() == _("Ask")
    assert box.input_value() == ""
    assert page.evaluate("document.activeElement === document.querySelector('#k-question textarea')")
    _assert_cited(page, "12 milyon", "s.")
    page.screenshot(path=str(SHOTS / "chat_tr.png"), full_page=True)
    # an example question goes into the box, which keeps its Turkish label and placeholder
    example = page.locator("#k-examples button").first
    text = example.inner_text().strip()
    example.click()
    page.wait_for_function("(t) => document.querySelector('#k-question textarea').value.trim() === t", arg=text,
                           timeout=10_000)
    assert page.locator("#k-question label").first.inner_text().strip() == _("Your question")
    assert box.get_attribute("placeholder") == _("Ask about the documents, in Turkish, English, Russian or Kyrgyz")


def test_a_refusal_in_kyrgyz_lists_related_passages(page_ky):
    """Refused, in the interface language; the related passages under it when the answerer gives any."""
    page = page_ky
    _ = translator("ky")
    _ask(page, "Кыргызстандын 2031-жылы Марска учурган космос кемесинин аты эмне?")
    assert _("Not in the document") in page.locator("#k-chat").inner_text()
    panel = page.locator("#k-sources .k-sources").first
    assert panel.locator(".k-src").count() == 0
    if panel.locator(".k-related").count() == 0:
        pytest.skip("the live answerer gave this refusal no related passages (tests/ui/test_render.py renders them)")
    assert _("Related passages are listed under Sources.") in page.locator("#k-chat").inner_text()
    assert panel.locator(".k-related-title").inner_text().strip() == _("Related passages — not an answer")
    for card in panel.locator(".k-rel").all():
        head = card.locator(".k-src-head").inner_text()
        assert re.search(r"б\. \d+", head) and card.locator(".k-lang").count() == 1, head
        assert card.locator(".k-rel-text").inner_text().strip()
    page.screenshot(path=str(SHOTS / "refusal_related_ky.png"), full_page=True)


def test_english_question_and_language_switch(page_en, dev_qa):
    page = page_en
    page.get_by_role("tab", name="Chat").wait_for(timeout=30_000)
    q = _dev(dev_qa, "d025")
    _ask(page, q["question"])
    _assert_cited(page, "AB-34", "p.")
    # a screen reader hears each message's text, not its markup (Gradio labels messages with their raw content)
    page.wait_for_function("() => [...document.querySelectorAll('#k-chat [aria-label*=\"message: \"]')]"
                           ".every((m) => !m.getAttribute('aria-label').includes('<'))", timeout=10_000)
    labels = page.locator('#k-chat [aria-label*="message: "]').evaluate_all("ms => ms.map(m => m.getAttribute('aria-label'))")
    assert len(labels) == 2 and q["question"] in labels[0] and "AB-34" in labels[1], labels
    page.screenshot(path=str(SHOTS / "chat_en.png"), full_page=True)
    # the selector redraws the page, the conversation included, and is remembered in this browser profile
    page.locator("#k-ui-lang").get_by_text("Русский").click()
    page.get_by_role("tab", name="Документы").wait_for(timeout=10_000)
    page.wait_for_function(
        "() => document.querySelector('#k-sources .k-sources-title').innerText.startsWith('Источники')",
        timeout=10_000)
    assert re.search(r"с\. \d+", page.locator("#k-sources").inner_text())
    assert page.locator("#k-chat a.k-chip").count() >= 1
    page.reload(wait_until="load")
    page.wait_for_function("() => document.querySelector('#k-ui-lang input:checked')?.value === 'ru'",
                           timeout=30_000)
    page.get_by_role("tab", name="Чат").wait_for(timeout=10_000)


def test_lookup_kyrgyz_sentence_in_three_languages(page_en):
    page = page_en
    page.get_by_role("tab", name="Cross-language lookup").click()
    page.locator("#k-lk-text textarea").fill(KY_SENTENCE)
    page.locator("#k-lk-go").click()
    page.wait_for_selector("#k-lk-out .k-col", timeout=ANSWER_TIMEOUT)
    cols = page.locator("#k-lk-out .k-col")
    with_hits = [cols.nth(i).get_attribute("data-lang") for i in range(cols.count())
                 if cols.nth(i).locator(".k-hit").count() > 0]
    assert len(with_hits) >= 3, with_hits
    assert re.search(r"p\. \d+", page.locator("#k-lk-out").inner_text())
    # choosing a passage shows its counterparts in the other languages
    page.locator("#k-lk-pick label").first.click()
    page.wait_for_selector("#k-lk-related .k-selected", timeout=ANSWER_TIMEOUT)
    assert page.locator("#k-lk-related .k-col .k-hit").count() >= 2
    page.screenshot(path=str(SHOTS / "lookup.png"), full_page=True)


def test_http_api_needs_only_the_text(server):
    """A script calls /ask and /lookup with the question alone; the answer and its sources come back named."""
    from gradio_client import Client

    client = Client(server["url"], verbose=False)
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(api) == {"/ask", "/lookup"}, sorted(api)
    for name in ("/ask", "/lookup"):
        required = [p["parameter_name"] for p in api[name]["parameters"] if not p["parameter_has_default"]]
        assert len(required) == 1, (name, required)
    chat, sources, notice, _ = client.predict("How many days did the Second Karabakh War last?", api_name="/ask")
    answer = chat[-1]["content"][0]["text"]
    assert answer.startswith("According to the document") and "44 gün" in answer, answer[:300]
    assert 'class="k-src"' in sources and "Sources" in sources
    notice, passages, _, _ = client.predict(KY_SENTENCE, api_name="/lookup")
    assert passages.count('class="k-col"') >= 3, passages[:300]


def _upload(page, files):
    """Choose files with the upload button (upload = check, store and index) and wait for the status line."""
    name = files[0]["name"] if isinstance(files[0], dict) else Path(files[0]).name
    with page.expect_file_chooser() as chooser:
        page.locator("#k-upload").click()
    chooser.value.set_files(files)
    page.wait_for_function(
        "(name) => { const s = document.querySelector('#k-upload-status');"  # what was indexed, then what failed
        " return s && s.querySelector('.k-ok, .k-error') && s.innerText.includes(name); }",
        arg=name, timeout=ANSWER_TIMEOUT)
    return page.locator("#k-upload-status").inner_text()


def _doc_table(page) -> str:
    return page.locator("#k-docs").inner_text()


def test_upload_txt_then_ask_about_it(page_en):
    page = page_en
    page.get_by_role("tab", name="Documents").click()
    header = page.locator("#k-corpus").inner_text()
    status = _upload(page, [{"name": "zorkmid_raporu.txt", "mimeType": "text/plain",
                             "buffer": FACT_DOC.encode("utf-8")}])
    assert "indexed" in status, status
    # the header says what is ingested now, without a reload
    page.wait_for_function("(before) => document.querySelector('#k-corpus').innerText !== before", arg=header,
                           timeout=30_000)
    page.wait_for_function("() => document.querySelector('#k-docs').innerText.includes('zorkmid')", timeout=30_000)
    assert "thesis" in _doc_table(page)
    page.screenshot(path=str(SHOTS / "documents.png"), full_page=True)
    page.get_by_role("tab", name="Chat").click()
    _ask(page, FACT_Q)
    _assert_cited(page, "417", "p.")
    assert "zorkmid" in page.locator("#k-sources .k-sources").first.inner_text()
    # a file named like a stored document is another document: the notice names it as the table does
    page.get_by_role("tab", name="Documents").click()
    status = _upload(page, [{"name": "thesis.txt", "mimeType": "text/plain",
                             "buffer": "Aynı adı taşıyan başka bir not. Tezin kendisi değildir.\n".encode()}])
    assert "→ uploads/thesis.txt: indexed" in status, status
    assert re.search(r"(^|\s)thesis\.txt\s", _doc_table(page)) and "uploads/thesis.txt" in _doc_table(page)


def test_bad_inputs_show_messages_and_server_keeps_serving(page_en, server, tmp_path, dev_qa):
    page = page_en
    # empty question
    page.locator("#k-question textarea").fill("   ")
    page.locator("#k-ask").click()
    page.wait_for_selector("#k-chat-notice .k-error", timeout=30_000)
    assert "empty" in page.locator("#k-chat-notice").inner_text()
    # a 100 kB paste
    page.locator("#k-question textarea").fill("Manas destanı " * 7200)
    page.locator("#k-ask").click()
    page.wait_for_function("() => document.querySelector('#k-chat-notice').innerText.includes('characters')",
                           timeout=60_000)
    assert "Traceback" not in page.content()
    # documents: binary renamed .txt, a path in the name, an upload over the size limit
    page.get_by_role("tab", name="Documents").click()
    status = _upload(page, [{"name": "resim.txt", "mimeType": "text/plain", "buffer": bytes(range(256)) * 40}])
    assert "binary" in status and "nothing was stored" in status, status
    status = _upload(page, [{"name": "../../x.txt", "mimeType": "text/plain",
                             "buffer": "Bir yol denemesi. Bu dosyanın adı güvenli hâle getirilmelidir.\n".encode()}])
    assert "'../../x.txt'" in status and "x.txt" in status, status
    # a type kaynak does not read, beside one it does: the first is named, the second stored
    status = _upload(page, [{"name": "notlar.xyz", "mimeType": "application/octet-stream", "buffer": b"notes"},
                            {"name": "notlar.txt", "mimeType": "text/plain",
                             "buffer": "Notlar dosyası: Zorkmid Vakfı toplantısı salı günü yapılacak.\n".encode()}])
    assert "notlar.xyz" in status and "unsupported type .xyz" in status and "notlar.txt" in status, status
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(300 * 1024 * 1024)  # sparse: no 300 MB written to disk
    with page.expect_file_chooser() as chooser:
        page.locator("#k-upload").click()
    chooser.value.set_files(str(big))
    toast = page.locator(".toast-body, [data-testid='toast-body']").filter(has_text="maximum allowed size")
    toast.first.wait_for(timeout=60_000)
    assert server["proc"].poll() is None
    page.get_by_role("tab", name="Chat").click()
    page.get_by_role("tab", name="Documents").click()
    page.wait_for_function("() => document.querySelector('#k-docs').innerText.includes('thesis')", timeout=30_000)
    # a QA file with a bad line: the message names the file as uploaded, not the server's temporary copy
    page.get_by_role("tab", name="Evaluation").click()
    with page.expect_file_chooser() as chooser:
        page.locator("#k-ev-file").click()
    chooser.value.set_files([{"name": "sorular.jsonl", "mimeType": "application/json", "buffer": b"{not json\n"}])
    page.wait_for_function("() => document.querySelector('#k-ev-file-name').innerText.includes('sorular.jsonl')",
                           timeout=30_000)
    page.locator("#k-ev-go").click()
    page.wait_for_selector("#k-ev-status .k-error", timeout=30_000)
    message = page.locator("#k-ev-status").inner_text()
    assert "sorular.jsonl: " in message and "not valid JSON" in message and "/tmp" not in message, message
    # ... and the chat still answers
    page.get_by_role("tab", name="Chat").click()
    _ask(page, _dev(dev_qa, "d003")["question"])
    assert page.locator("#k-chat a.k-chip").count() >= 1


def test_remove_document(page_en):
    page = page_en
    page.get_by_role("tab", name="Documents").click()
    page.wait_for_function("() => document.querySelector('#k-docs').innerText.includes('thesis')", timeout=30_000)
    if not re.search(r"(^|\s)x\.txt\s", _doc_table(page)):
        pytest.skip("the sanitised upload is not listed (bad-input test did not run)")
    page.locator("#k-rm-doc input").click()
    page.get_by_role("option", name="x.txt", exact=True).click()
    # asked first; "Keep it" keeps it
    page.locator("#k-rm-go").click()
    page.locator("#k-rm-question .k-confirm").wait_for(timeout=30_000)
    assert "x.txt" in page.locator("#k-rm-question").inner_text()
    page.locator("#k-rm-no").click()
    page.locator("#k-rm-confirm").wait_for(state="hidden", timeout=30_000)
    assert re.search(r"(^|\s)x\.txt\s", _doc_table(page))
    page.locator("#k-rm-go").click()
    page.locator("#k-rm-yes").click()
    page.wait_for_selector("#k-upload-status .k-ok", timeout=ANSWER_TIMEOUT)
    assert "removed" in page.locator("#k-upload-status").inner_text()
    page.wait_for_function("() => !/(^|\\s)x\\.txt\\s/.test(document.querySelector('#k-docs').innerText)",
                           timeout=30_000)
    assert "thesis" in _doc_table(page)


def test_every_request_goes_to_loopback():
    assert REQUESTS, "no page was loaded"
    outside = sorted({u for u in REQUESTS if not LOCAL.match(u) and not u.startswith(("data:", "blob:"))})
    assert not outside, outside
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS.parent / "requests.json").write_text(json.dumps(sorted(set(REQUESTS)), indent=1), encoding="utf-8")
