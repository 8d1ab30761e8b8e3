"""What a checkpoint is and how it scores: its config and head, checks and loading, the
classifier (``EmotionClassifier.from_pretrained``), its backends and ONNX files, the
thresholds file beside it, word explanations, per-emotion reliability, and the Hub download.

Serving and the tools build on this; it never imports ``emotions.train`` or ``emotions.tools``.
"""
