"""Reading a text sentence by sentence: the page's emotion arc (no model call after Submit),
``/predict_sentences`` and its MCP tool, ``predict --by-sentence``, and hostile input."""

from __future__ import annotations

import ast
import asyncio
import json

import numpy as np
import pytest
from helpers import GRADIO_WARNINGS, Spy

from emotions.cli import main
from emotions.labels import LABELS, VIEWS
from emotions.limits import MAX_DOCUMENT_CHARS
from emotions.model.reading import read_document
from emotions.serve import events
from emotions.serve.controls import Controls

pytestmark = GRADIO_WARNINGS
ISSUE = "I was so worried about you! Thank god you're safe. But honestly, I'm furious you didn't call."
CHAT = "Anna: I got the job!!!\nBen: No way, congratulations! I'm so proud of you.\nAnna:\nAnna: Thanks... I'm scared though."


def test_one_batched_call_scores_every_sentence_and_the_whole_text(app):
    reading = read_document(app.SERVED.classifier, ISSUE)
    assert [reading.sentence_text(i) for i in range(3)] == [
        "I was so worried about you!", "Thank god you're safe.", "But honestly, I'm furious you didn't call.",
    ]  # fmt: skip
    direct = app.SERVED.classifier.predict_proba([reading.sentence_text(i) for i in range(3)] + [ISSUE])
    assert np.allclose(reading.probs, direct[:3], atol=1e-5) and np.allclose(
        reading.whole, direct[3], atol=1e-5
    )


def test_the_arc_is_drawn_and_re_cut_without_the_model(app, monkeypatch):
    served = app.SERVED
    spy = Spy(served.classifier)
    monkeypatch.setattr(served, "classifier", spy)
    shown, detected, bars = events.analyze(served, ISSUE, Controls())
    assert spy.calls == 1 and "Sentence 1 of 3" in detected and bars.count('class="emo-row') == len(LABELS)
    arc_box, plot, sentences, summary, sentence_choice = events.show_arc(served, shown, Controls())
    assert arc_box["visible"] and [v for _, v in sentence_choice["choices"]] == [0, 1, 2]
    assert sentence_choice["value"] == 0 and shown["sentence"] == 0  # the first sentence is shown
    assert sentences.count("<li") == 3 and "furious" in sentences and "<details>" in summary
    assert set(plot["value"]["sentence"]) == {"1", "2", "3"} and set(plot["value"]["emotion"]) <= set(LABELS)
    low = events.show_arc(served, shown, Controls(mode="global", global_threshold=0.01))
    high = events.show_arc(served, shown, Controls(mode="global", global_threshold=0.99))
    assert low[3].count("<details>") >= high[3].count("<details>")  # every sentence re-cut at once
    ekman = events.show_arc(served, shown, Controls(view="ekman"))
    assert set(ekman[1]["value"]["emotion"]) <= set(VIEWS["ekman"])
    picked, detected, _ = events.pick_sentence(served, shown, 2, Controls())
    assert picked["text"] == "But honestly, I'm furious you didn't call." and "Sentence 3 of 3" in detected
    assert picked["sentence"] == 2 and picked["reading"] is shown["reading"]
    assert spy.calls == 1  # the sentence choice, thresholds and views: no model call
    expl, *_ = events.explain_shown(served, picked, None, Controls())
    assert expl.text == picked["text"]  # explained within the sentence


def test_one_sentence_keeps_today_s_view(app):
    shown, detected, _ = events.analyze(app.SERVED, "Thank you so much!", Controls())
    assert shown["sentence"] is None and shown["text"] == "Thank you so much!" and "Sentence" not in detected
    assert events.show_arc(app.SERVED, shown, Controls())[0]["visible"] is False


def test_a_conversation_keeps_its_speakers(app):
    shown, _, _ = events.analyze(app.SERVED, CHAT, Controls(mode="global", global_threshold=0.01))
    reading = shown["reading"]
    assert reading.conversation and {s.speaker for s in reading.sentences} == {"Anna", "Ben"}
    summary = events.show_arc(app.SERVED, shown, Controls(mode="global", global_threshold=0.01))[3]
    assert "Speakers" in summary and "Anna" in summary and "Ben" in summary


@pytest.mark.parametrize(
    "text",
    [
        "!!!???...",
        "😀😀😀 🎉",
        "word " * 1000,  # 5,000 characters, no sentence break
        "Yes! " * 1500,  # thousands of one-word sentences
        "Привет! 你好。 Hello there. مرحبا",
        "Anna: \nBen: \nAnna: hi",
        "bell\x07\x00\x1b[31m and <script>alert(1)</script>. Next one.",
    ],
)
def test_hostile_text_gives_a_sensible_split_never_a_crash(app, text):
    shown, detected, bars = events.analyze(app.SERVED, text, Controls())
    assert shown and "emo-panel" in detected
    arc = events.show_arc(app.SERVED, shown, Controls())
    html = "".join(part for part in arc[2:4] if isinstance(part, str))
    assert "<script>" not in html and "<script>" not in detected


def test_api_and_mcp_read_sentences_and_name_the_language(app, client):
    url = client.src
    out = client.predict(ISSUE, api_name="/predict_sentences")
    assert [s["text"] for s in out["sentences"]][2] == "But honestly, I'm furious you didn't call."
    first = out["sentences"][0]
    assert (first["start"], first["end"]) == (0, 27) and set(first["scores"]) == set(LABELS)
    assert out["language"] == "en" and out["reliable"] and set(out["scores"]) == set(LABELS)
    chat = client.predict(CHAT, api_name="/predict_sentences")
    assert {s["speaker"] for s in chat["sentences"]} == {"Anna", "Ben"} and set(chat["speakers"]) == {
        "Anna",
        "Ben",
    }
    for text, code in [
        ("Je suis tellement heureux aujourd'hui. Merci beaucoup pour ton aide !", "fr"),
        ("Estoy muy feliz hoy. Muchas gracias por todo.", "es"),
        ("Ich bin heute so glücklich. Vielen Dank für deine Hilfe!", "de"),
    ]:
        other = client.predict(text, view="ekman", api_name="/predict_sentences")
        assert other["language"] == code and not other["reliable"] and "unreliable" in other["notice"]
    long = client.predict("so happy. " * 600, api_name="/predict_sentences")
    assert long["cut"] and long["sentences"][-1]["end"] <= MAX_DOCUMENT_CHARS
    tools = asyncio.run(mcp_tools(url))
    assert {"predict", "predict_batch", "predict_sentences", "explain"} <= set(tools)
    assert "sentence by sentence" in tools["predict_sentences"][0]
    assert set(tools["predict_sentences"][1]["sentences"][0]["scores"]) == set(LABELS)


async def mcp_tools(url: str) -> dict:
    """A real MCP client (the mcp SDK, streamable HTTP): the tools listed, and one called."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with streamable_http_client(url + "gradio_api/mcp/") as (read, write, _):
        async with ClientSession(read, write) as session:
            await session.initialize()
            listed = {tool.name: tool.description for tool in (await session.list_tools()).tools}
            called = await session.call_tool("predict_sentences", {"text": ISSUE})
            data = ast.literal_eval(called.content[0].text)  # the tool's result, as Gradio prints it
    return {
        name: (description, data if name == "predict_sentences" else None)
        for name, description in listed.items()
    }


def test_cli_reads_by_sentence(tiny_model_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    args = ["predict", "--model-dir", str(tiny_model_dir), "--thresholds", "", "--backend", "torch"]
    assert (
        main([*args, "--by-sentence", "--output", str(out), ISSUE, "Merci beaucoup pour ton aide, mon ami !"])
        == 0
    )
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [len(r["sentences"]) for r in rows] == [3, 1] and [r["language"] for r in rows] == ["en", "fr"]
    assert {"text", "start", "end", "scores", "labels"} <= set(rows[0]["sentences"][0])
    assert main([*args, "--by-sentence", "--format", "csv", "hi"]) == 1


def test_each_text_of_a_reading_is_preprocessed_and_tokenised_once(app, monkeypatch):
    classifier = app.SERVED.classifier
    calls = []
    encode = classifier.encode
    monkeypatch.setattr(classifier, "encode", lambda texts: calls.append(len(texts)) or encode(texts))
    reading = read_document(classifier, ISSUE)
    assert calls == [4]  # the three sentences and the whole text, in one call
    direct = classifier.predict_proba([reading.sentence_text(i) for i in range(3)] + [ISSUE])
    assert np.allclose(reading.probs, direct[:3], atol=1e-5) and np.allclose(
        reading.whole, direct[3], atol=1e-5
    )


def test_ids_for_other_texts_are_refused_with_the_fix(app):
    with pytest.raises(ValueError, match=r"encoded holds 1 texts' ids for 2 texts: pass encode\(texts\)"):
        app.SERVED.classifier.predict_proba(["one", "two"], encoded=[[101, 102]])
