"""The peer's app for ``python -m emotions bench``: a stock pipeline behind a minimal Gradio page.

``python -m emotions.tools.peer_app FOLDER`` serves the classifier saved in ``FOLDER`` (see
:func:`emotions.tools.benchtools.save_peer`) with a ``/predict`` API, the way a visitor would
put the most-used GoEmotions model on a Space.
"""

import sys

import gradio as gr
from transformers import pipeline

classify = pipeline("text-classification", model=sys.argv[1], top_k=None, device="cpu")


def predict(text: str) -> dict:
    return {r["label"]: r["score"] for r in classify([text])[0]}


demo = gr.Interface(predict, gr.Textbox(), gr.Label(num_top_classes=5), api_name="predict")

if __name__ == "__main__":
    demo.launch()
