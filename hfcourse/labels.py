"""Label names of the datasets the lessons train on, by label id, as the real datasets spell them."""

SST5_LABELS = ("very negative", "negative", "neutral", "positive", "very positive")  # SetFit/sst5's label_text
