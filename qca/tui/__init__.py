"""The coding screen: a keyboard-only Textual app over :mod:`qca.session`.

Build it with :func:`qca.tui.app.make_app` (CLI and tests share that factory) or run it with
:func:`qca.tui.app.run_coding_app`.
"""
