"""What the Space runs: the web page's layer, on the model code in ``emotions.model``.

Three groups, in one flat folder (each too small for a sub-package of its own):

- the page: ``layout`` (its parts), ``events`` (one function per page event), ``controls`` (the
  settings panel), ``render`` and ``arc`` (HTML), ``uploads`` (the batch tab's files), ``api``;
- serving: ``served`` (the model as served, Hub or bundled), ``server`` (the queue and launch);
- HTTP hardening: ``privacy``, ``bodylimit``, ``gradio_patches``.

It never imports ``emotions.train`` or ``emotions.tools``, so the Space bundle carries
``model/``, ``serve/`` and ``text/`` only.
"""
