"""`kaynak serve`: check the bind address and credentials, warm the engine up, launch the Gradio app.

Nothing here reaches the internet: analytics and version checks are off, the theme uses system fonts only,
and the page script is inline. A non-loopback host without credentials is refused before anything loads.
"""
from __future__ import annotations

import ipaddress
import os
import sys
from typing import Any

SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "Noto Sans",
                "sans-serif"]
SYSTEM_MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "DejaVu Sans Mono", "monospace"]


class ServeError(ValueError):
    """A serve option that cannot be used; the message says why."""


def is_loopback(host: str) -> bool:
    h = (host or "").strip().strip("[]").lower()
    if h in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """"user:password" -> (user, password); None/"" -> None; anything else -> ServeError."""
    if auth is None or auth == "":
        return None
    if not isinstance(auth, str) or ":" not in auth:
        raise ServeError('auth must be "user:password" (one colon between a user name and a password)')
    user, password = auth.split(":", 1)
    if not user.strip() or not password:
        raise ServeError('auth must be "user:password" with a non-empty user name and password')
    return user.strip(), password


def _offline_env() -> None:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def theme() -> Any:
    import gradio as gr

    return gr.themes.Default(font=SYSTEM_FONTS, font_mono=SYSTEM_MONO)


def launch_kwargs(settings: Any, host: str, port: int, auth: tuple[str, str] | None) -> dict[str, Any]:
    from ui.app import PAGE_JS, eval_runs_dir
    from ui.render import CSS

    return dict(
        server_name=host,
        server_port=port,
        auth=auth,
        auth_message="kaynak" if auth else None,
        max_file_size=int(float(settings.serve.max_upload_mb) * 1024 * 1024),
        theme=theme(),
        css=CSS,
        js=PAGE_JS,
        # the evaluation reports live in the data dir, which Gradio would not serve (not cwd, not temp)
        allowed_paths=[str(eval_runs_dir(settings))],
        share=False,
        inbrowser=False,
        show_error=False,
        quiet=True,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        enable_monitoring=False,
        footer_links=["api", "settings"],
        prevent_thread_lock=True,
    )


def serve(settings: Any, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None) -> int:
    host = host or "127.0.0.1"
    try:
        creds = parse_auth(auth)
    except ServeError as e:
        print(f"kaynak: error: {e}", file=sys.stderr)
        return 2
    if not is_loopback(host) and creds is None:
        print(
            f"kaynak: error: refusing to serve on {host} without a password: anyone on the network could use it. "
            'Pass --auth user:password (or KAYNAK_AUTH), or keep the default host 127.0.0.1.',
            file=sys.stderr,
        )
        return 2
    if not (0 < int(port) < 65536):
        print(f"kaynak: error: port {port} is not between 1 and 65535", file=sys.stderr)
        return 2
    _offline_env()

    from app.engine import Engine

    engine = Engine(settings)
    if engine.store.generation() is not None:
        engine.warm_up()
    else:  # a first start: serve at once, build the index in the background, answer when it is ready
        print("kaynak: no index yet: building it from the bundled thesis in the background (the page shows how far)",
              file=sys.stderr, flush=True)
        engine.warm_up_in_background()

    from ui.app import build_app

    demo = build_app(engine)
    demo.queue(default_concurrency_limit=settings.serve.concurrency)
    try:
        _, local_url, _ = demo.launch(**launch_kwargs(settings, host, int(port), creds))
    except OSError as e:
        print(f"kaynak: error: cannot listen on {host}:{port}: {e}", file=sys.stderr)
        return 2
    shown = local_url or f"http://{host}:{port}/"
    print(f"kaynak: serving on {shown}" + ("  (password required)" if creds else ""), flush=True)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
    return 0
