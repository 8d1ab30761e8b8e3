"""Making a model: data, fine-tuning, metrics, threshold calibration, the test report, the
TF-IDF baseline, its charts and the model card (``python -m emotions train|calibrate|evaluate|card``)."""
