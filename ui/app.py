"""The Gradio web app: chat with cited sources, cross-language lookup, documents, evaluation, settings.

``build_app(engine)`` only wires components to the Engine; markup comes from ``ui.render``, words from the
catalogues (``ui.i18n``). Components are built with their English text (the msgids); ``Labels`` remembers which
properties hold interface text, and a change of language sends each of them its translation.
The library never imports this module (tests/ui/test_serve.py checks that gradio stays unloaded).
"""
from __future__ import annotations

import logging
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from kaynak.config import BUNDLED_DEV_QA, LANGUAGES, LLMSettings
from kaynak.types import Answer
from ui import chat
from ui import render as R
from ui.i18n import DEFAULT, LANG_NAMES, LANGS, N_, Gettext, accept_language, negotiate, translator
from ui.report import TABLE_HEADERS, eval_plots, summary_table, table_headers
from ui.uploads import INGEST_LOCK, ingest_uploads

log = logging.getLogger(__name__)

TITLE = N_("## kaynak — cited question answering\nAsk in Turkish, English, Russian or Kyrgyz; every answer points "
           "to passages in the document.")

# Runs once on page load: chips scroll to and flash their source card, and chat messages are labelled by
# their text for screen readers (no external script).
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
  // Gradio labels each chat message with its raw content ("bot's message: <div class=...>"), which a screen
  // reader would spell out tag by tag: the label becomes the message's visible text.
  const spoken = (el) => {
    const label = el.getAttribute('aria-label') || '';
    const cut = label.indexOf(': ');
    if (cut < 0 || !el.closest('#k-chat')) return;
    const text = label.slice(0, cut + 2) + (el.innerText || '').replace(/\s+/g, ' ').trim();
    if (label !== text) el.setAttribute('aria-label', text);
  };
  new MutationObserver((changes) => {
    for (const c of changes) {
      const root = c.target.nodeType === 1 ? c.target : c.target.parentElement;
      if (!root) continue;
      const row = root.closest('[aria-label*="message: "]');
      if (row) spoken(row);
      root.querySelectorAll('[aria-label*="message: "]').forEach(spoken);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ['aria-label']});
}
"""
# After an answer the cursor is back in the question box, whether it was sent with Enter or the button.
FOCUS_QUESTION_JS = "(lang) => { document.querySelector('#k-question textarea')?.focus(); return lang; }"


class Labels:
    """The components that show interface text, and which of their properties hold it (as English msgids)."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, tuple[str, ...]]] = []

    def __call__(self, component: Any, *props: str) -> Any:
        self.items.append((component, props))
        return component

    @property
    def components(self) -> list[Any]:
        return [c for c, _ in self.items]

    def updates(self, _: Gettext) -> list[Any]:
        """One update per component, its text properties translated; the English is read from the component
        as built, never from a translated copy."""
        out = []
        for component, props in self.items:
            values: dict[str, Any] = {}
            for prop in props:
                english = getattr(component, prop)
                if prop == "choices":
                    values[prop] = [(_(label), value) for label, value in english]
                else:
                    values[prop] = _(english)
            out.append(gr.update(**values))
        return out


def eval_runs_dir(settings: Any) -> Path:
    """Where the Evaluation tab writes its runs; the server lets the page download the zipped reports from it."""
    return Path(settings.data_dir) / "eval-runs"


def initial_language(saved: str, request: gr.Request) -> str:
    """The asker's own earlier choice, else the first of the browser's languages the interface speaks."""
    if saved in LANGS:
        return saved
    return negotiate(accept_language(request.headers.get("accept-language") if request else None))


def build_app(engine: Any) -> gr.Blocks:
    settings = engine.settings
    max_mb = float(settings.serve.max_upload_mb)
    uploads_dir = Path(settings.data_dir) / "uploads"
    eval_root = eval_runs_dir(settings)
    langs = list(settings.chunking.languages or LANGUAGES)
    L = Labels()

    doc_headers = [N_("document"), N_("title"), N_("passages"), *langs, N_("added")]

    def doc_table(lang: str) -> dict[str, Any]:
        """The documents with their headers in the page language (a table value carries its own headers)."""
        _ = translator(lang)
        rows = [[d.doc_id, d.title, d.n_chunks, *[d.langs.get(l, 0) for l in langs], d.added[:19]]
                for d in engine.documents()]
        return {"headers": [_(h) for h in doc_headers], "data": rows}

    def doc_ids() -> list[str]:
        return [d.doc_id for d in engine.documents()]

    def example_samples(view: Any = None) -> list[list[str]]:
        return [[q] for q in (view or engine.overview()).examples]

    view = engine.overview()  # what is ingested: the header's description and the example questions
    with gr.Blocks(title="kaynak", analytics_enabled=False) as demo:
        saved_lang = gr.BrowserState("", storage_key="kaynak-ui-lang")
        with gr.Row(equal_height=True):
            with gr.Column():
                L(gr.Markdown(TITLE), "value")
                corpus = gr.Markdown(view.subtitle(DEFAULT), elem_id="k-corpus")
                # while a first start builds the index in the background, the line says how far it is
                status_timer = gr.Timer(1.0, active=engine.indexing.running)
            # the page's load sets it from the browser's languages (or an earlier choice); the default serves
            # API callers, who then need not pass a language
            ui_lang = gr.Radio([(LANG_NAMES[l], l) for l in LANGS], value=DEFAULT, label=N_("Interface language"),
                               show_label=False, scale=0, min_width=470, elem_id="k-ui-lang", container=False)

        with gr.Tabs():
            # ---------------------------------------------------------------- chat
            with L(gr.Tab(N_("Chat"), id="chat"), "label"):
                turns = gr.State([])  # [(uid, question, Answer)], newest last
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = L(gr.Chatbot(label=N_("Chat"), height=520, elem_id="k-chat",
                                               feedback_options=None, sanitize_html=True, buttons=["copy"]), "label")
                        notice = gr.HTML("", label="notice", elem_id="k-chat-notice")
                        with gr.Row():
                            # lines=1 growing to 8: Enter sends, Shift+Enter starts a new line
                            question = L(gr.Textbox(label=N_("Your question"), lines=1, max_lines=8, scale=5,
                                                    placeholder=N_("Ask about the documents, in Turkish, English, Russian or Kyrgyz"),
                                                    elem_id="k-question"), "label", "placeholder")
                            with gr.Column(scale=1, min_width=120):
                                ask_btn = L(gr.Button(N_("Ask"), variant="primary", elem_id="k-ask"), "value")
                                clear_btn = L(gr.Button(N_("Clear chat"), elem_id="k-clear"), "value")
                        # a click puts the question in the box and nothing else (gr.Examples also reset the box's
                        # translated label to English); the samples follow the documents (`example_samples`)
                        examples = gr.Dataset(components=[gr.Textbox(visible=False)], samples=example_samples(view),
                                              label=N_("Example questions"), elem_id="k-examples", type="values")
                    with gr.Column(scale=2):
                        sources = gr.HTML(chat.sources_panel([], DEFAULT), label="sources", elem_id="k-sources",
                                          js_on_load=None, padding=True)

            # ---------------------------------------------------------------- lookup
            with L(gr.Tab(N_("Cross-language lookup"), id="lookup"), "label"):
                with gr.Row():
                    lk_text = L(gr.Textbox(label=N_("Text (any language)"), lines=3, scale=4, elem_id="k-lk-text"),
                                "label")
                    with gr.Column(scale=1, min_width=200):
                        lk_langs = L(gr.CheckboxGroup([(f"{l} · {LANG_NAMES.get(l, l)}", l) for l in langs],
                                                      value=langs, label=N_("Target languages"),
                                                      elem_id="k-lk-langs"), "label")
                        lk_k = L(gr.Slider(1, 5, value=3, step=1, label=N_("Passages per language")), "label")
                        lk_btn = L(gr.Button(N_("Look up"), variant="primary", elem_id="k-lk-go"), "value")
                lk_notice = gr.HTML("", label="notice", elem_id="k-lk-notice")
                lk_out = gr.HTML("", label="passages", elem_id="k-lk-out", js_on_load=None)
                lk_pick = L(gr.Radio([], label=N_("Choose a passage to see its counterparts in the other languages"),
                                     elem_id="k-lk-pick"), "label")
                lk_related = gr.HTML("", label="counterparts", elem_id="k-lk-related", js_on_load=None)

            # ---------------------------------------------------------------- documents
            with L(gr.Tab(N_("Documents"), id="docs"), "label") as tab_docs:
                with gr.Row():
                    with gr.Column(scale=2):
                        # a button, not a drop zone: Gradio words its drop zone itself, and has no Kyrgyz. No
                        # file_types: Gradio would drop another type in the browser with an English toast; the
                        # server names it in the page's language (ui.uploads) and stores the others
                        up_files = L(gr.UploadButton(N_("Upload TXT, MD, PDF, HTML or DOCX"), file_count="multiple",
                                                     variant="primary", elem_id="k-upload"), "label")
                        up_status = gr.HTML("", elem_id="k-upload-status")
                    with gr.Column(scale=3):
                        docs_table = L(gr.Dataframe(headers=doc_headers, interactive=False, label=N_("Documents"),
                                                    elem_id="k-docs", type="array"), "label")
                        with gr.Row():
                            rm_doc = L(gr.Dropdown(choices=doc_ids(), value=None, label=N_("Document to remove"),
                                                   elem_id="k-rm-doc", scale=3), "label")
                            rm_btn = L(gr.Button(N_("Remove document"), variant="stop", scale=1, elem_id="k-rm-go"),
                                       "value")
                            refresh_btn = L(gr.Button(N_("Refresh"), scale=1, elem_id="k-refresh"), "value")
                        # a removal asks first: adding a large document back means ingesting it again
                        with gr.Row(visible=False, elem_id="k-rm-confirm") as rm_confirm:
                            rm_question = gr.HTML("", elem_id="k-rm-question")
                            rm_yes = L(gr.Button(N_("Yes, remove it"), variant="stop", scale=1, elem_id="k-rm-yes"),
                                       "value")
                            rm_no = L(gr.Button(N_("Keep it"), scale=1, elem_id="k-rm-no"), "value")

            # ---------------------------------------------------------------- evaluation
            with L(gr.Tab(N_("Evaluation"), id="eval"), "label"):
                with gr.Row():
                    with gr.Column(scale=1):
                        ev_source = L(gr.Radio([(N_("Bundled dev set"), "dev"), (N_("Uploaded file"), "upload")],
                                               value="dev" if BUNDLED_DEV_QA.is_file() else "upload",
                                               label=N_("Question set"), elem_id="k-ev-source"), "label", "choices")
                        ev_file = L(gr.UploadButton(N_("Choose a QA file (JSONL)"), file_types=[".jsonl", ".json"],
                                                    elem_id="k-ev-file"), "label")
                        ev_file_name = gr.HTML("", elem_id="k-ev-file-name")
                        ev_btn = L(gr.Button(N_("Run evaluation"), variant="primary", elem_id="k-ev-go"), "value")
                        ev_download = L(gr.DownloadButton(N_("Download report (zip)"), visible=False,
                                                          elem_id="k-ev-dl"), "label")
                    with gr.Column(scale=3):
                        ev_status = gr.HTML("", elem_id="k-ev-status")
                        ev_table = L(gr.Dataframe(headers=TABLE_HEADERS, interactive=False, label=N_("Summary"),
                                                  type="array", elem_id="k-ev-table"), "label")
                        ev_summary = gr.State(None)  # the last run's Summary, redrawn when the language changes
                        ev_plots = gr.HTML("", elem_id="k-ev-plots", js_on_load=None)

            # ---------------------------------------------------------------- settings
            with L(gr.Tab(N_("Settings"), id="settings"), "label"):
                st_mode = L(gr.Radio([(N_("hybrid (meaning and words)"), "hybrid"), (N_("dense (meaning)"), "dense"),
                                      (N_("lexical (words)"), "lexical")], value=settings.retrieval.mode,
                                     label=N_("Retrieval mode"), elem_id="k-st-mode"), "label", "choices")
                st_k = L(gr.Slider(1, 20, value=settings.answer.passages, step=1, label=N_("Passages read"),
                                   elem_id="k-st-k"), "label")
                st_llm_url = L(gr.Textbox(value=settings.llm.base_url,
                                          label=N_("LLM endpoint (optional, OpenAI-compatible base URL)"),
                                          placeholder="http://127.0.0.1:11434/v1"), "label")
                st_llm_model = L(gr.Textbox(value=settings.llm.model, label=N_("LLM model"),
                                            placeholder="qwen2.5:3b-instruct"), "label")
                L(gr.Markdown(N_("Settings apply to every question in this browser session. With no LLM endpoint "
                                 "the offline extractive answerer is used.")), "value")

        examples.click(lambda sample: sample[0] if sample else gr.skip(), [examples], [question], queue=False,
                       show_progress="hidden", api_visibility="private")

        # ------------------------------------------------------------------ interface language
        def page_text(lang: str, turn_list: list[chat.Turn], summary: Any) -> list[Any]:
            """Everything on the page that is worded, in ``lang``: labels, the conversation, the tables."""
            _ = translator(lang)
            if summary is None:
                table, plots = {"headers": table_headers(_), "data": []}, gr.skip()
            else:
                table, plots = summary_table(summary, _), eval_plots(summary, _)
            return [*L.updates(_), chat.messages(turn_list, lang), chat.sources_panel(turn_list, lang),
                    doc_table(lang), table, plots, corpus_line(lang),
                    gr.update(label=_("Example questions"), samples=example_samples())]

        worded = [*L.components, chatbot, sources, docs_table, ev_table, ev_plots, corpus, examples]

        def corpus_line(lang: str) -> str:
            """What the index is doing on a first start, else what is ingested."""
            return chat.indexing_status(engine.indexing, lang) or engine.overview().subtitle(lang)

        def tick(lang: str) -> list[Any]:
            running = engine.indexing.running
            return [corpus_line(lang or DEFAULT), gr.Timer(active=running), doc_table(lang or DEFAULT) if not running else gr.skip()]

        status_timer.tick(tick, [ui_lang], [corpus, status_timer, docs_table], queue=False, show_progress="hidden",
                          api_visibility="private")

        def selector(lang: str) -> Any:
            _ = translator(lang)
            return gr.update(value=lang, label=_("Interface language"))  # the label is read out, not shown

        def on_load(saved: str, request: gr.Request) -> list[Any]:
            lang = initial_language(saved, request)
            return [selector(lang), *page_text(lang, [], None)]

        def on_choice(lang: str, turn_list: list[chat.Turn], summary: Any) -> list[Any]:
            # the choice is remembered in this browser (saved_lang) for the next visit
            return [lang, selector(lang), *page_text(lang, turn_list, summary)]

        demo.load(on_load, [saved_lang], [ui_lang, *worded], queue=False, show_progress="hidden",
                  api_visibility="private")
        ui_lang.input(on_choice, [ui_lang, turns, ev_summary], [saved_lang, ui_lang, *worded], queue=False,
                      show_progress="hidden", api_visibility="private")
        ui_lang.change(None, [ui_lang], None, js="(lang) => { document.documentElement.lang = lang; }",
                       api_visibility="private")

        # ------------------------------------------------------------------ chat
        def llm_settings(url: str, model: str, _: Gettext) -> LLMSettings | None:
            url, model = (url or "").strip(), (model or "").strip()
            if not url and not model:
                return None
            if not re.match(r"^https?://", url) or not model:
                raise ValueError(_("LLM endpoint needs an http(s) base URL and a model name (Settings tab)"))
            return settings.llm.model_copy(update={"base_url": url, "model": model})

        def respond(q, turn_list, mode, k, url, model, lang):
            """Show the question and a busy button at once, stream the answer, then the finished turn."""
            from index.retriever import QueryError
            from index.store import StoreError

            _ = translator(lang)
            turn_list = list(turn_list or [])
            skip = gr.skip()
            if not isinstance(q, str) or not q.strip():
                yield skip, skip, R.error_html(_("The question is empty: type a question."), lang), skip, skip, skip
                return
            q = q.strip()
            uid = uuid.uuid4().hex[:10]
            shown = [*chat.messages(turn_list, lang), chat.question_bubble(q, uid), chat.busy_bubble(lang)]
            yield shown, skip, "", "", skip, gr.update(value=_("Answering…"), interactive=False)
            while engine.indexing.running:  # a first start: say how far the index is, answer when it is ready
                shown[-1] = chat.busy_bubble(lang, chat.indexing_status(engine.indexing, lang))
                yield shown, skip, skip, skip, skip, skip
                time.sleep(1.0)
            shown[-1] = chat.busy_bubble(lang)

            def failed(message: str) -> tuple[Any, ...]:  # the conversation as it was; the question back to fix
                return chat.messages(turn_list, lang), skip, R.error_html(message, lang), q, skip, skip

            final: Answer | None = None
            streamed = ""
            try:
                llm = llm_settings(url, model, _)
                stream = engine.ask_stream(q, history=chat.history(turn_list), mode=mode or None,
                                           k=int(k) if k else None, llm=llm)
                for piece in stream:
                    if isinstance(piece, Answer):
                        final = piece
                        break
                    streamed += str(piece)
                    shown[-1] = {"role": "assistant", "content": R.answer_text_html(streamed, uid)}
                    yield shown, skip, skip, skip, skip, skip
            except (QueryError, StoreError, ValueError) as e:
                yield failed(str(e))
                return
            except Exception as e:  # noqa: BLE001 - the page shows a message, the server keeps serving
                log.exception("chat request failed")
                yield failed(f"{type(e).__name__}: {e}")
                return
            if final is None:
                yield failed(_("No answer was produced."))
                return
            turn_list = [*turn_list, (uid, q, final)]
            yield chat.messages(turn_list, lang), chat.sources_panel(turn_list, lang), skip, skip, turn_list, skip

        def ready(lang: str) -> Any:
            _ = translator(lang)
            return gr.update(value=_("Ask"), interactive=True)

        # One listener for the button and Enter: while an answer is computed, neither sends another question.
        gr.on([ask_btn.click, question.submit], respond,
              [question, turns, st_mode, st_k, st_llm_url, st_llm_model, ui_lang],
              [chatbot, sources, notice, question, turns, ask_btn], api_name="ask", show_progress="minimal",
              show_progress_on=[chatbot], trigger_mode="once",
              ).then(ready, [ui_lang], [ask_btn], js=FOCUS_QUESTION_JS, queue=False, show_progress="hidden",
                    api_visibility="private")

        def clear(lang):
            """A new conversation; a question being typed stays in the box."""
            return [], chat.sources_panel([], lang), "", []

        cleared = [chatbot, sources, notice, turns]
        clear_btn.click(clear, [ui_lang], cleared, queue=False, api_visibility="private")
        chatbot.clear(clear, [ui_lang], cleared, queue=False, api_visibility="private")

        # ------------------------------------------------------------------ lookup
        def do_lookup(text, to_langs, k, lang):
            from index.retriever import QueryError
            from index.store import StoreError

            _ = translator(lang)
            if not isinstance(text, str) or not text.strip():
                return R.error_html(_("Type some text to look up."), lang), "", gr.update(choices=[], value=None), ""
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

        gr.on([lk_btn.click, lk_text.submit], do_lookup, [lk_text, lk_langs, lk_k, ui_lang],
              [lk_notice, lk_out, lk_pick, lk_related], api_name="lookup")
        lk_pick.change(do_lookup_id, [lk_pick, lk_k, ui_lang], [lk_notice, lk_related], api_visibility="private")

        # ------------------------------------------------------------------ documents
        def docs_outputs(status_html: str, lang: str):
            """After an upload or a removal: the notice, the table, the choices to remove, the upload button
            emptied, the header's line on what is ingested and the example questions."""
            return (status_html, doc_table(lang), gr.update(choices=doc_ids(), value=None), None, corpus_line(lang),
                    gr.update(samples=example_samples()))

        def do_upload(files, lang, progress=gr.Progress(track_tqdm=True)):
            _ = translator(lang)
            files = files if isinstance(files, list) else [files] if files else []
            if not files:
                return docs_outputs(R.error_html(_("Choose a file first."), lang), lang)
            return docs_outputs(ingest_uploads(engine, files, Path(up_files.GRADIO_CACHE), uploads_dir, max_mb,
                                               _, progress), lang)

        doc_outs = [up_status, docs_table, rm_doc, up_files, corpus, examples]
        up_files.upload(do_upload, [up_files, ui_lang], doc_outs, preprocess=False, api_visibility="private",
                        concurrency_limit=1, concurrency_id="ingest")

        def ask_remove(doc_id, lang):
            """The question before a removal: which document, how many passages go with it."""
            _ = translator(lang)
            doc = next((d for d in engine.documents() if d.doc_id == doc_id), None)
            if doc is None:
                return R.error_html(_("Choose a document first."), lang), gr.update(visible=False), ""
            question = _("Remove {doc} and its {n} passages from the index? Adding it back means ingesting it again.")
            return "", gr.update(visible=True), R.confirm_html(question.format(doc=doc_id, n=doc.n_chunks))

        def do_remove(doc_id, lang):
            _ = translator(lang)
            if not doc_id:
                return docs_outputs(R.error_html(_("Choose a document first."), lang), lang)
            with INGEST_LOCK:
                try:
                    report = engine.remove([doc_id])
                except Exception as e:  # noqa: BLE001
                    log.exception("remove failed")
                    return docs_outputs(R.error_html(f"{type(e).__name__}: {e}", lang), lang)
            if getattr(report, "ok", True):
                return docs_outputs(R.ok_html(_("{doc}: removed").format(doc=doc_id)), lang)
            return docs_outputs(R.error_html("; ".join(getattr(report, "lines", lambda: [])()), lang), lang)

        hide_confirm = dict(fn=lambda: gr.update(visible=False), inputs=None, outputs=[rm_confirm],
                            api_visibility="private", queue=False)
        rm_btn.click(ask_remove, [rm_doc, ui_lang], [up_status, rm_confirm, rm_question], api_visibility="private",
                     queue=False)
        rm_doc.change(**hide_confirm)
        rm_no.click(**hide_confirm)
        rm_yes.click(**hide_confirm).then(do_remove, [rm_doc, ui_lang], doc_outs, api_visibility="private",
                                          concurrency_limit=1, concurrency_id="ingest")
        refresh_btn.click(lambda lang: docs_outputs("", lang)[:3], [ui_lang], doc_outs[:3], api_visibility="private",
                          queue=False)
        tab_docs.select(lambda lang: docs_outputs("", lang)[1:3], [ui_lang], [docs_table, rm_doc],
                        api_visibility="private", queue=False)

        # ------------------------------------------------------------------ evaluation
        def do_eval(source, qa_file, mode, k, url, model, lang, progress=gr.Progress(track_tqdm=True)):
            from evaluation.qa import load_qa
            from evaluation.runner import run_eval

            _ = translator(lang)

            def failed(message: str) -> tuple[Any, ...]:
                empty = {"headers": table_headers(_), "data": []}
                return R.error_html(message, lang), empty, "", gr.update(visible=False), None

            if source == "upload" and not qa_file:
                return failed(_("Upload a QA file first."))
            path = Path(qa_file) if source == "upload" else BUNDLED_DEV_QA
            try:
                items = load_qa(path)
                llm = llm_settings(url, model, _)
            except ValueError as e:  # named by the file's own name, not the server's temporary copy
                return failed(str(e).replace(str(path), path.name))
            stamp = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:4]
            out_dir = eval_root / stamp
            progress(0, desc=_("Evaluation running…"))
            try:
                summary = run_eval(
                    items, lambda qq: engine.ask(qq, mode=mode or None, k=int(k) if k else None, llm=llm), out_dir,
                    progress=True, label=f"web {mode}",
                    meta={"mode": mode, "k": int(k) if k else None, "llm": llm.model if llm else "extractive",
                          "qa_file": path.name}, corpus=engine.chunks())
            except Exception as e:  # noqa: BLE001
                log.exception("evaluation failed")
                return failed(f"{type(e).__name__}: {e}")
            zip_path = shutil.make_archive(str(eval_root / f"kaynak-eval-{stamp}"), "zip", out_dir)
            status = R.ok_html(_("Evaluation finished: {headline}").format(headline=summary.headline()))
            return (status, summary_table(summary, _), eval_plots(summary, _),
                    gr.update(value=zip_path, visible=True), summary)

        ev_btn.click(do_eval, [ev_source, ev_file, st_mode, st_k, st_llm_url, st_llm_model, ui_lang],
                     [ev_status, ev_table, ev_plots, ev_download, ev_summary], api_visibility="private",
                     concurrency_limit=1, concurrency_id="eval")
        # a chosen file is named under its button and becomes the question set to run
        ev_file.upload(lambda f: (R.empty_html(Path(f).name), "upload"), [ev_file], [ev_file_name, ev_source],
                       queue=False, api_visibility="private")

    return demo
