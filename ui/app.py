"""The Gradio web app: chat with cited sources, cross-language lookup, documents, evaluation, settings.

``build_app(engine)`` only wires components to the Engine; every piece of markup comes from ``ui.render``.
The library never imports this module (tests/ui/test_app_browser.py checks that gradio stays unloaded).
"""
from __future__ import annotations

import logging
import re
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from kaynak.config import BUNDLED_DEV_QA, LANGUAGES, LLMSettings
from kaynak.types import Answer
from ui import render as R

log = logging.getLogger(__name__)

ALLOWED_EXT = (".txt", ".md", ".pdf", ".html", ".htm", ".docx")

# Interface strings; the switch at the top (defaulting to the browser's language) relabels every component.
UI: dict[str, dict[str, str]] = {
    "tr": {
        "title": "## kaynak — kaynaklı soru-cevap\nTürkçe veya İngilizce sorun (Rusça ve Kırgızca da olur); her cevap belgedeki pasajlara bağlanır.",
        "tab_chat": "Sohbet", "tab_lookup": "Diller arası arama", "tab_docs": "Belgeler", "tab_eval": "Değerlendirme",
        "tab_settings": "Ayarlar",
        "chat": "Sohbet", "question": "Sorunuz", "question_ph": "Örn. Türkiye ile Kırgızistan arasındaki ticaret hacmi 2019'da ne kadardı?",
        "ask": "Sor", "clear": "Sohbeti temizle", "sources_ph": "Kaynaklar cevapla birlikte burada görünür.",
        "lk_text": "Metin (herhangi bir dilde)", "lk_langs": "Hedef diller", "lk_k": "Dil başına pasaj", "lk_go": "Ara",
        "lk_pick": "Bir pasaj seçin: diğer dillerdeki karşılıkları gösterilir",
        "up_files": "TXT, MD veya PDF yükleyin", "up_go": "Yükle ve dizine ekle", "docs": "Belgeler",
        "rm_doc": "Kaldırılacak belge", "rm_go": "Belgeyi kaldır", "refresh": "Yenile",
        "ev_source": "Soru seti", "ev_dev": "Hazır geliştirme seti", "ev_upload": "Yüklenen dosya",
        "ev_file": "QA dosyası (JSONL)", "ev_go": "Değerlendirmeyi çalıştır", "ev_table": "Özet",
        "ev_download": "Raporu indir (zip)",
        "st_mode": "Arama modu", "st_k": "Okunan pasaj sayısı", "st_llm_url": "LLM adresi (isteğe bağlı, OpenAI uyumlu)",
        "st_llm_model": "LLM modeli", "st_note": "Ayarlar bu tarayıcı oturumundaki her soruya uygulanır. LLM adresi boşsa çevrimdışı, alıntı yapan cevaplayıcı kullanılır.",
        "empty_q": "Soru boş: bir soru yazın.", "busy": "Cevaplanıyor…",
        "no_files": "Önce bir dosya seçin.", "ingested": "dizine eklendi", "failed": "BAŞARISIZ",
        "renamed": "dosya adı güvenli hâle getirildi", "removed": "kaldırıldı", "pick_doc": "Önce bir belge seçin.",
        "lk_empty": "Aranacak bir metin yazın.", "ev_nofile": "Önce bir QA dosyası yükleyin.",
        "ev_running": "Değerlendirme sürüyor…", "ev_done": "Değerlendirme tamamlandı",
    },
    "en": {
        "title": "## kaynak — cited question answering\nAsk in Turkish or English (Russian and Kyrgyz work too); every answer points to passages in the document.",
        "tab_chat": "Chat", "tab_lookup": "Cross-language lookup", "tab_docs": "Documents", "tab_eval": "Evaluation",
        "tab_settings": "Settings",
        "chat": "Chat", "question": "Your question", "question_ph": "e.g. Which Turkish drones did Azerbaijan use in the 2020 Karabakh war?",
        "ask": "Ask", "clear": "Clear chat", "sources_ph": "Sources appear here with the answer.",
        "lk_text": "Text (any language)", "lk_langs": "Target languages", "lk_k": "Passages per language", "lk_go": "Look up",
        "lk_pick": "Choose a passage to see its counterparts in the other languages",
        "up_files": "Upload TXT, MD or PDF", "up_go": "Upload and index", "docs": "Documents",
        "rm_doc": "Document to remove", "rm_go": "Remove document", "refresh": "Refresh",
        "ev_source": "Question set", "ev_dev": "Bundled dev set", "ev_upload": "Uploaded file",
        "ev_file": "QA file (JSONL)", "ev_go": "Run evaluation", "ev_table": "Summary",
        "ev_download": "Download report (zip)",
        "st_mode": "Retrieval mode", "st_k": "Passages read", "st_llm_url": "LLM endpoint (optional, OpenAI-compatible base URL)",
        "st_llm_model": "LLM model", "st_note": "Settings apply to every question in this browser session. With no LLM endpoint the offline extractive answerer is used.",
        "empty_q": "The question is empty: type a question.", "busy": "Answering…",
        "no_files": "Choose a file first.", "ingested": "indexed", "failed": "FAILED",
        "renamed": "file name made safe", "removed": "removed", "pick_doc": "Choose a document first.",
        "lk_empty": "Type some text to look up.", "ev_nofile": "Upload a QA file first.",
        "ev_running": "Evaluation running…", "ev_done": "Evaluation finished",
    },
}

# Runs once on page load: chips scroll to and flash their source card (no external script).
PAGE_JS = r"""
() => {
  if (window.__kaynakChips) return;
  window.__kaynakChips = true;
  document.addEventListener('click', (ev) => {
    const a = ev.target && ev.target.closest ? ev.target.closest('a.k-chip') : null;
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    const id = a.getAttribute('data-k-target') || (a.getAttribute('href') || '').replace(/^#/, '');
    const el = id ? document.getElementById(id) : null;
    if (!el) return;
    const d = el.closest('details');
    if (d) d.open = true;
    el.scrollIntoView({behavior: 'smooth', block: 'center'});
    document.querySelectorAll('.k-src.k-flash').forEach((x) => x.classList.remove('k-flash'));
    void el.offsetWidth;
    el.classList.add('k-flash');
    setTimeout(() => el.classList.remove('k-flash'), 3000);
  }, true);
}
"""
BROWSER_LANG_JS = "(x) => ((navigator.language || navigator.userLanguage || 'en').toLowerCase().startsWith('tr') ? 'tr' : 'en')"

_SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)
_ingest_lock = threading.Lock()


def tr(lang: str, key: str) -> str:
    return UI.get(lang, UI["en"]).get(key, UI["en"][key])


def _notice(kind: str, message: str) -> str:
    return f'<div class="k-{kind}">{R.esc(message)}</div>'


# ------------------------------------------------------------------------------------------ uploads
def safe_filename(name: str) -> str:
    """Basename only, safe characters, no leading dots: "../../x.txt" -> "x.txt"; "" when nothing is left."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = _SAFE_NAME.sub("_", base).strip(" .")
    base = re.sub(r"_+", "_", base)
    return base[:120]


_MAGIC = {b"%PDF-": "PDF", b"PK\x03\x04": "ZIP/Office", b"\x7fELF": "executable", b"\x89PNG": "PNG image",
          b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image", b"\x1f\x8b": "gzip", b"MZ": "Windows executable"}


def sniff_problem(path: Path, ext: str) -> str | None:
    """Why the content does not match the extension, or None."""
    with open(path, "rb") as f:
        head = f.read(8192)
    if ext == ".pdf":
        return None if head.lstrip()[:5] == b"%PDF-" else "the file is named .pdf but is not a PDF"
    if ext == ".docx":
        return None if head.startswith(b"PK\x03\x04") else "the file is named .docx but is not a Word document"
    if not head.strip():
        return "the file is empty"
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return f"the file is named {ext} but its content is a {kind} file, not text"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"the file is named {ext} but its content is binary, not text"
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if ctrl > max(8, len(head) // 50):
        return f"the file is named {ext} but its content is binary, not text"
    return None


def _in_dir(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------- app
def build_app(engine: Any) -> gr.Blocks:
    settings = engine.settings
    max_mb = float(settings.serve.max_upload_mb)
    uploads_dir = Path(settings.data_dir) / "uploads"
    eval_root = Path(settings.data_dir) / "eval-runs"
    langs = list(settings.chunking.languages or LANGUAGES)
    relabel: list[tuple[Any, str, str]] = []  # (component, property, UI key)

    def L(comp: Any, prop: str, key: str) -> Any:
        relabel.append((comp, prop, key))
        return comp

    def doc_rows() -> list[list[Any]]:
        rows = []
        for d in engine.documents():
            rows.append([d.doc_id, d.n_chunks, *[d.langs.get(l, 0) for l in langs], Path(d.path).name, d.added[:19]])
        return rows

    def doc_ids() -> list[str]:
        return [d.doc_id for d in engine.documents()]

    view = engine.overview()  # what is ingested: the header's description and the example questions
    with gr.Blocks(title="kaynak", analytics_enabled=False) as demo:
        with gr.Row(equal_height=True):
            with gr.Column():
                L(gr.Markdown(UI["en"]["title"]), "value", "title")
                corpus = gr.Markdown(view.subtitle("en"), elem_id="k-corpus")
            ui_lang = gr.Radio([("Türkçe", "tr"), ("English", "en")], value="en", show_label=False, scale=0,
                               min_width=220, elem_id="k-ui-lang", container=False)

        # per-session retrieval settings, read by every chat request
        with gr.Tabs():
            # ---------------------------------------------------------------- chat
            with gr.Tab(UI["en"]["tab_chat"], id="chat") as tab_chat:
                hist = gr.State([])  # [(question, answer text)] for follow-ups
                turns = gr.State([])  # [(uid, question, sources html)] newest last
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = L(gr.Chatbot(label=UI["en"]["chat"], height=520, elem_id="k-chat",
                                               feedback_options=None, sanitize_html=True,
                                               buttons=["copy"]), "label", "chat")
                        notice = gr.HTML("", elem_id="k-chat-notice")
                        with gr.Row():
                            question = L(L(gr.Textbox(label=UI["en"]["question"], placeholder=UI["en"]["question_ph"],
                                                      lines=2, max_lines=8, scale=5, elem_id="k-question"),
                                           "label", "question"), "placeholder", "question_ph")
                            with gr.Column(scale=1, min_width=120):
                                ask_btn = L(gr.Button(UI["en"]["ask"], variant="primary", elem_id="k-ask"), "value", "ask")
                                clear_btn = L(gr.Button(UI["en"]["clear"], elem_id="k-clear"), "value", "clear")
                        gr.Examples(examples=[[q] for q in view.examples], inputs=[question],
                                    label="Örnek sorular · Example questions")
                    with gr.Column(scale=2):
                        sources = gr.HTML(f'<div class="k-empty">{R.esc(UI["en"]["sources_ph"])}</div>',
                                          elem_id="k-sources", js_on_load=None, padding=True)

            # ---------------------------------------------------------------- lookup
            with gr.Tab(UI["en"]["tab_lookup"], id="lookup") as tab_lookup:
                with gr.Row():
                    lk_text = L(gr.Textbox(label=UI["en"]["lk_text"], lines=3, scale=4, elem_id="k-lk-text"), "label", "lk_text")
                    with gr.Column(scale=1, min_width=200):
                        lk_langs = L(gr.CheckboxGroup([(f"{l} · {R.LANG_NAMES.get(l, l)}", l) for l in langs],
                                                      value=langs, label=UI["en"]["lk_langs"], elem_id="k-lk-langs"),
                                     "label", "lk_langs")
                        lk_k = L(gr.Slider(1, 5, value=3, step=1, label=UI["en"]["lk_k"]), "label", "lk_k")
                        lk_btn = L(gr.Button(UI["en"]["lk_go"], variant="primary", elem_id="k-lk-go"), "value", "lk_go")
                lk_notice = gr.HTML("", elem_id="k-lk-notice")
                lk_out = gr.HTML("", elem_id="k-lk-out", js_on_load=None)
                lk_pick = L(gr.Radio([], label=UI["en"]["lk_pick"], elem_id="k-lk-pick"), "label", "lk_pick")
                lk_related = gr.HTML("", elem_id="k-lk-related", js_on_load=None)

            # ---------------------------------------------------------------- documents
            with gr.Tab(UI["en"]["tab_docs"], id="docs") as tab_docs:
                with gr.Row():
                    with gr.Column(scale=2):
                        up_files = L(gr.File(label=UI["en"]["up_files"], file_count="multiple",
                                             file_types=list(ALLOWED_EXT), elem_id="k-upload"), "label", "up_files")
                        up_btn = L(gr.Button(UI["en"]["up_go"], variant="primary", elem_id="k-upload-go"), "value", "up_go")
                        up_status = gr.HTML("", elem_id="k-upload-status")
                    with gr.Column(scale=3):
                        docs_table = L(gr.Dataframe(
                            value=doc_rows, headers=["doc", "chunks", *langs, "file", "added"],
                            interactive=False, label=UI["en"]["docs"], elem_id="k-docs", type="array"), "label", "docs")
                        with gr.Row():
                            rm_doc = L(gr.Dropdown(choices=doc_ids(), value=None, label=UI["en"]["rm_doc"],
                                                   elem_id="k-rm-doc", scale=3), "label", "rm_doc")
                            rm_btn = L(gr.Button(UI["en"]["rm_go"], variant="stop", scale=1, elem_id="k-rm-go"), "value", "rm_go")
                            refresh_btn = L(gr.Button(UI["en"]["refresh"], scale=1), "value", "refresh")

            # ---------------------------------------------------------------- evaluation
            with gr.Tab(UI["en"]["tab_eval"], id="eval") as tab_eval:
                with gr.Row():
                    with gr.Column(scale=1):
                        ev_source = L(gr.Radio([(UI["en"]["ev_dev"], "dev"), (UI["en"]["ev_upload"], "upload")],
                                               value="dev" if BUNDLED_DEV_QA.is_file() else "upload",
                                               label=UI["en"]["ev_source"], elem_id="k-ev-source"), "label", "ev_source")
                        ev_file = L(gr.File(label=UI["en"]["ev_file"], file_types=[".jsonl", ".json"],
                                            elem_id="k-ev-file"), "label", "ev_file")
                        ev_btn = L(gr.Button(UI["en"]["ev_go"], variant="primary", elem_id="k-ev-go"), "value", "ev_go")
                        ev_download = L(gr.DownloadButton(UI["en"]["ev_download"], visible=False, elem_id="k-ev-dl"),
                                        "label", "ev_download")
                    with gr.Column(scale=3):
                        ev_status = gr.HTML("", elem_id="k-ev-status")
                        ev_table = L(gr.Dataframe(headers=["metric", "value", "95% CI", "n"], interactive=False,
                                                  label=UI["en"]["ev_table"], type="array"), "label", "ev_table")
                        ev_plots = gr.HTML("", elem_id="k-ev-plots", js_on_load=None)

            # ---------------------------------------------------------------- settings
            with gr.Tab(UI["en"]["tab_settings"], id="settings") as tab_settings:
                st_mode = L(gr.Radio(["hybrid", "dense", "lexical"], value=settings.retrieval.mode,
                                     label=UI["en"]["st_mode"], elem_id="k-st-mode"), "label", "st_mode")
                st_k = L(gr.Slider(1, 20, value=settings.answer.passages, step=1, label=UI["en"]["st_k"],
                                   elem_id="k-st-k"), "label", "st_k")
                st_llm_url = L(gr.Textbox(value=settings.llm.base_url, label=UI["en"]["st_llm_url"],
                                          placeholder="http://127.0.0.1:11434/v1"), "label", "st_llm_url")
                st_llm_model = L(gr.Textbox(value=settings.llm.model, label=UI["en"]["st_llm_model"],
                                            placeholder="qwen2.5:3b-instruct"), "label", "st_llm_model")
                L(gr.Markdown(UI["en"]["st_note"]), "value", "st_note")

        for tab, key in ((tab_chat, "tab_chat"), (tab_lookup, "tab_lookup"), (tab_docs, "tab_docs"),
                         (tab_eval, "tab_eval"), (tab_settings, "tab_settings")):
            relabel.append((tab, "label", key))

        # ------------------------------------------------------------------ language switch
        def set_lang(lang: str) -> list[Any]:
            lang = lang if lang in UI else "en"
            out = []
            for comp, prop, key in relabel:
                if isinstance(comp, gr.Tab):
                    out.append(gr.Tab(label=tr(lang, key)))
                else:
                    out.append(gr.update(**{prop: tr(lang, key)}))
            return out

        ui_lang.change(set_lang, [ui_lang], [c for c, _, _ in relabel], queue=False, show_progress="hidden",
                       api_visibility="private")
        ui_lang.change(lambda lang: engine.overview().subtitle(lang), [ui_lang], [corpus], queue=False,
                       show_progress="hidden", api_visibility="private")
        demo.load(lambda x: x, [ui_lang], [ui_lang], js=BROWSER_LANG_JS, queue=False, show_progress="hidden",
                  api_visibility="private")

        # ------------------------------------------------------------------ chat
        def llm_settings(url: str, model: str) -> LLMSettings | None:
            url, model = (url or "").strip(), (model or "").strip()
            if not url and not model:
                return None
            if not re.match(r"^https?://", url) or not model:
                raise ValueError("LLM endpoint needs an http(s) base URL and a model name (Settings tab)")
            return settings.llm.model_copy(update={"base_url": url, "model": model})

        def sources_panel(turn_list: list[tuple[str, str, str]], lang: str) -> str:
            if not turn_list:
                return f'<div class="k-empty">{R.esc(tr(lang, "sources_ph"))}</div>'
            latest = turn_list[-1][2]
            older = "".join(
                f'<details class="k-old"><summary>{R.esc(q[:120])}</summary>{h}</details>'
                for _, q, h in reversed(turn_list[:-1])
            )
            return latest + older

        def respond(q, chat, history, turn_list, mode, k, url, model, lang):
            from index.retriever import QueryError
            from index.store import StoreError

            chat = list(chat or [])
            history = list(history or [])
            turn_list = list(turn_list or [])
            if not isinstance(q, str) or not q.strip():
                yield chat, gr.skip(), R.error_html(tr(lang, "empty_q"), lang), gr.skip(), history, turn_list
                return
            uid = uuid.uuid4().hex[:10]
            shown_q = q.strip() if len(q) <= 2000 else q.strip()[:300] + " …"
            chat_new = chat + [{"role": "user", "content": R.answer_text_html(shown_q, uid)},
                               {"role": "assistant", "content": f"<em>{R.esc(tr(lang, 'busy'))}</em>"}]
            final: Answer | None = None
            streamed = ""
            try:
                llm = llm_settings(url, model)
                stream = engine.ask_stream(q, history=history, mode=mode or None, k=int(k) if k else None, llm=llm)
                first = True
                for piece in stream:
                    if isinstance(piece, Answer):
                        final = piece
                        break
                    streamed += str(piece)
                    chat_new[-1] = {"role": "assistant", "content": R.answer_text_html(streamed, uid)}
                    yield chat_new, gr.skip(), "", "" if first else gr.skip(), history, turn_list
                    first = False
            except (QueryError, StoreError, ValueError) as e:
                yield chat, gr.skip(), R.error_html(str(e), lang), gr.skip(), history, turn_list
                return
            except Exception as e:  # noqa: BLE001 - the page shows a message, the server keeps serving
                log.exception("chat request failed")
                yield chat, gr.skip(), R.error_html(f"{type(e).__name__}: {e}", lang), gr.skip(), history, turn_list
                return
            if final is None:
                yield chat, gr.skip(), R.error_html("no answer was produced", lang), gr.skip(), history, turn_list
                return
            chat_new[-1] = {"role": "assistant", "content": R.answer_html(final, uid, lang)}
            history = history + [(q.strip(), final.text)]
            turn_list = turn_list + [(uid, q.strip(), R.sources_html(final, uid, lang, question=q.strip()))]
            yield chat_new, sources_panel(turn_list, lang), "", "", history, turn_list

        chat_inputs = [question, chatbot, hist, turns, st_mode, st_k, st_llm_url, st_llm_model, ui_lang]
        chat_outputs = [chatbot, sources, notice, question, hist, turns]
        ask_btn.click(respond, chat_inputs, chat_outputs, api_name="ask", show_progress="minimal")
        question.submit(respond, chat_inputs, chat_outputs, api_visibility="private", show_progress="minimal")

        def clear(lang):
            return [], sources_panel([], lang), "", "", [], []

        clear_btn.click(clear, [ui_lang], chat_outputs, queue=False, api_visibility="private")
        chatbot.clear(clear, [ui_lang], chat_outputs, queue=False, api_visibility="private")

        # ------------------------------------------------------------------ lookup
        def do_lookup(text, to_langs, k, lang):
            from index.retriever import QueryError
            from index.store import StoreError

            if not isinstance(text, str) or not text.strip():
                return R.error_html(tr(lang, "lk_empty"), lang), "", gr.update(choices=[], value=None), ""
            try:
                res = engine.lookup(text, list(to_langs or []) or None, k=int(k or 3))
            except (QueryError, StoreError, ValueError) as e:
                return R.error_html(str(e), lang), gr.skip(), gr.skip(), gr.skip()
            except Exception as e:  # noqa: BLE001
                log.exception("lookup failed")
                return R.error_html(f"{type(e).__name__}: {e}", lang), gr.skip(), gr.skip(), gr.skip()
            choices = [(R.hit_choice_label(h, lang), h.chunk.id) for hits in res.values() for h in hits]
            return "", R.lookup_html(res, lang), gr.update(choices=choices, value=None), ""

        def do_lookup_id(chunk_id, k, lang):
            from index.retriever import QueryError
            from index.store import StoreError

            if not chunk_id:
                return gr.skip(), ""
            try:
                src, res = engine.lookup_id(chunk_id, None, k=int(k or 3))
            except (QueryError, StoreError, ValueError) as e:
                return R.error_html(str(e), lang), gr.skip()
            return "", R.lookup_html(res, lang, source=src)

        lk_btn.click(do_lookup, [lk_text, lk_langs, lk_k, ui_lang], [lk_notice, lk_out, lk_pick, lk_related],
                     api_name="lookup")
        lk_text.submit(do_lookup, [lk_text, lk_langs, lk_k, ui_lang], [lk_notice, lk_out, lk_pick, lk_related],
                       api_visibility="private")
        lk_pick.change(do_lookup_id, [lk_pick, lk_k, ui_lang], [lk_notice, lk_related], api_visibility="private")

        # ------------------------------------------------------------------ documents
        def docs_outputs(status_html: str):
            ids = doc_ids()
            return status_html, doc_rows(), gr.update(choices=ids, value=None), None

        def do_upload(files, lang, progress=gr.Progress(track_tqdm=True)):
            files = files if isinstance(files, list) else [files] if files else []
            if not files:
                return docs_outputs(R.error_html(tr(lang, "no_files"), lang))
            cache_root = Path(up_files.GRADIO_CACHE)
            lines_ok, lines_bad, accepted = [], [], []
            uploads_dir.mkdir(parents=True, exist_ok=True)
            for f in files:
                data = f if isinstance(f, dict) else {"path": getattr(f, "path", f), "orig_name": None}
                src = Path(str(data.get("path") or ""))
                orig = str(data.get("orig_name") or src.name)
                if not src.is_file() or not _in_dir(src, cache_root):
                    lines_bad.append(f"{orig}: not an uploaded file")
                    continue
                name = safe_filename(orig)
                ext = Path(name).suffix.lower()
                note = f" ({tr(lang, 'renamed')}: {orig!r} → {name!r})" if name != orig else ""
                if not name or not Path(name).stem:
                    lines_bad.append(f"{orig!r}: the file name has no usable characters")
                    continue
                if ext not in ALLOWED_EXT:
                    lines_bad.append(f"{orig!r}: unsupported type {ext or '(none)'}; upload {', '.join(ALLOWED_EXT)}")
                    continue
                size = src.stat().st_size
                if size > max_mb * 1024 * 1024:
                    lines_bad.append(f"{orig!r}: {size / 1e6:.1f} MB is over the {max_mb:g} MB upload limit")
                    continue
                problem = sniff_problem(src, ext)
                if problem:
                    lines_bad.append(f"{orig!r}: {problem}; nothing was stored")
                    continue
                dest = uploads_dir / name
                shutil.copyfile(src, dest)
                accepted.append((dest, orig, note))
            if accepted:
                progress(0, desc="indexing")
                with _ingest_lock:
                    try:
                        report = engine.ingest([d for d, _, _ in accepted], progress=True)
                    except Exception as e:  # noqa: BLE001 - the store keeps its last committed generation
                        log.exception("ingest failed")
                        lines_bad.append(f"{type(e).__name__}: {e}")
                        report = None
                if report is not None:
                    failed = {str(p): r for p, r in getattr(report, "failed", [])}
                    for dest, orig, note in accepted:
                        reason = failed.get(str(dest)) or failed.get(dest.name)
                        if reason:
                            lines_bad.append(f"{orig!r}: {reason}")
                        else:
                            lines_ok.append(f"{orig!r} → {dest.name}: {tr(lang, 'ingested')}{note}")
                    if failed and not any(failed.get(str(d)) or failed.get(d.name) for d, _, _ in accepted):
                        lines_bad.extend(f"{Path(p).name}: {r}" for p, r in failed.items())
            html_parts = []
            if lines_ok:
                html_parts.append('<div class="k-ok">' + "<br>".join(R.esc(x) for x in lines_ok) + "</div>")
            if lines_bad:
                html_parts.append('<div class="k-error"><b>' + R.esc(tr(lang, "failed")) + ":</b><br>"
                                  + "<br>".join(R.esc(x) for x in lines_bad) + "</div>")
            return docs_outputs("".join(html_parts))

        doc_outs = [up_status, docs_table, rm_doc, up_files]
        up_btn.click(do_upload, [up_files, ui_lang], doc_outs, preprocess=False, api_visibility="private",
                     concurrency_limit=1, concurrency_id="ingest")

        def do_remove(doc_id, lang):
            if not doc_id:
                return docs_outputs(R.error_html(tr(lang, "pick_doc"), lang))
            with _ingest_lock:
                try:
                    report = engine.remove([doc_id])
                except Exception as e:  # noqa: BLE001
                    log.exception("remove failed")
                    return docs_outputs(R.error_html(f"{type(e).__name__}: {e}", lang))
            if getattr(report, "ok", True):
                return docs_outputs(_notice("ok", f"{doc_id}: {tr(lang, 'removed')}"))
            return docs_outputs(R.error_html("; ".join(getattr(report, "lines", lambda: [])()), lang))

        rm_btn.click(do_remove, [rm_doc, ui_lang], doc_outs, api_visibility="private", concurrency_limit=1,
                     concurrency_id="ingest")
        refresh_btn.click(lambda: docs_outputs("")[:3], None, doc_outs[:3], api_visibility="private", queue=False)
        tab_docs.select(lambda: docs_outputs("")[1:3], None, [docs_table, rm_doc], api_visibility="private", queue=False)

        # ------------------------------------------------------------------ evaluation
        def do_eval(source, qa_file, mode, k, url, model, lang, progress=gr.Progress(track_tqdm=True)):
            from evaluation.qa import load_qa
            from evaluation.runner import run_eval

            hide = gr.update(visible=False)
            if source == "upload":
                if not qa_file:
                    return R.error_html(tr(lang, "ev_nofile"), lang), [], "", hide
                path = Path(qa_file)
            else:
                path = BUNDLED_DEV_QA
            try:
                items = load_qa(path)
                llm = llm_settings(url, model)
            except ValueError as e:
                return R.error_html(str(e), lang), [], "", hide
            stamp = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:4]
            out_dir = eval_root / stamp
            progress(0, desc=tr(lang, "ev_running"))
            try:
                summary = run_eval(
                    items, lambda qq: engine.ask(qq, mode=mode or None, k=int(k) if k else None, llm=llm), out_dir,
                    progress=True, label=f"web {mode}",
                    meta={"mode": mode, "k": int(k) if k else None, "llm": llm.model if llm else "extractive",
                          "qa_file": path.name}, corpus=engine.chunks())
            except Exception as e:  # noqa: BLE001
                log.exception("evaluation failed")
                return R.error_html(f"{type(e).__name__}: {e}", lang), [], "", hide
            rows = []
            for name, m in summary.metrics.items():
                v, ci = m.get("value"), m.get("ci")
                rows.append([name, "—" if v is None else round(float(v), 3),
                             "" if not ci else f"[{ci[0]:.3f}, {ci[1]:.3f}]", m.get("n")])
            lat = summary.latency
            for key in ("p50", "p95"):
                if lat.get(key) is not None:
                    rows.append([f"latency {key} (s)", round(float(lat[key]), 3), "", summary.n])
            zip_path = shutil.make_archive(str(eval_root / f"kaynak-eval-{stamp}"), "zip", out_dir)
            status = _notice("ok", f"{tr(lang, 'ev_done')}: {summary.headline()}")
            return status, rows, eval_plots(summary), gr.update(value=zip_path, visible=True)

        ev_btn.click(do_eval, [ev_source, ev_file, st_mode, st_k, st_llm_url, st_llm_model, ui_lang],
                     [ev_status, ev_table, ev_plots, ev_download], api_visibility="private", concurrency_limit=1,
                     concurrency_id="eval")

    return demo


def eval_plots(summary: Any) -> str:
    """Bar charts of the headline metrics overall and by language, as inline PNGs (no network)."""
    import base64
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    imgs = []
    metrics = [k for k, m in summary.metrics.items() if m.get("value") is not None][:8]

    def png(fig: Any) -> str:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
        return f'<img alt="plot" style="max-width:100%" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'

    if metrics:
        fig = Figure(figsize=(7, 3))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.barh(metrics, [float(summary.metrics[m]["value"]) for m in metrics], color="#4a7ab5")
        ax.set_xlim(0, 1)
        ax.set_title("overall")
        imgs.append(png(fig))
    by_lang = summary.groups.get("lang") or {}
    if by_lang and metrics:
        fig = Figure(figsize=(7, 3))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        keys = list(by_lang)
        show = metrics[:4]
        width = 0.8 / len(show)
        for i, m in enumerate(show):
            vals = [(by_lang[k].get("metrics", {}).get(m) or {}).get("value") or 0 for k in keys]
            ax.bar([x + (i - (len(show) - 1) / 2) * width for x in range(len(keys))], vals, width, label=m)
        ax.set_xticks(range(len(keys)), [f"{k} (n={by_lang[k].get('n')})" for k in keys])
        ax.set_ylim(0, 1.05)
        ax.legend(fontsize=7)
        ax.set_title("by question language")
        imgs.append(png(fig))
    return "".join(imgs)
