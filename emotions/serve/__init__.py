"""What the Space runs: the served model (Hub or bundled), threshold views, HTML, uploads,
one function per page event, the API, the page's parts, the server and its Gradio patches.

It builds on ``emotions.model`` and never imports ``emotions.train`` or ``emotions.tools``, so
the Space bundle carries ``model/``, ``serve/`` and ``text/`` only.
"""
