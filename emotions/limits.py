"""Every limit on what the reader takes, in one place, each with its reason.

The model reads ``MAX_LENGTH`` word pieces of a text; everything else here bounds the work a
single request can cause (a text, a document, a batch, an upload, an HTTP body), so that one
visitor cannot stall the queue for everyone. Each way in words its own message when a limit is
hit (:func:`emotions.serve.uploads.check_rows`: a file is split, an API call is sent in parts).
"""

# Word pieces the model reads per text (BERT's position table allows 512; GoEmotions comments
# are nearly all under 64, so 128 keeps every training text whole at a quarter of the cost).
MAX_LENGTH = 128
# Characters tokenized per text. The tokenizer reads a whole text before truncating, so 1 MB of
# text costs seconds; 128 word pieces span far fewer characters than this in any real text.
MAX_TEXT_CHARS = 20_000
# Characters of a document read sentence by sentence; the rest is cut, with a notice. 5,000 is a
# long Reddit comment or a short essay, read in well under a second on two cores.
MAX_DOCUMENT_CHARS = 5_000
# Sentences a document is split into; past it the rest is read as one last sentence.
MAX_SENTENCES = 200
# Texts per upload or /predict_batch call: a full batch scores in about a second.
MAX_ROWS = 500
# Characters kept per text of a batch: about what the model reads (128 word pieces).
MAX_ROW_CHARS = 500
# Bytes of an uploaded file: 500 texts of 500 characters fit with room for CSV quoting.
MAX_UPLOAD_BYTES = 1_000_000
# Bytes of an HTTP request body: 1 MB of text fits even with every character JSON-escaped (\uXXXX).
MAX_BODY_BYTES = 8_000_000
