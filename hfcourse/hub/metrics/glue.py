"""GLUE metrics for the course's tasks (course hub copy of evaluate-metric/glue): mrpc, qqp, sst2, ..."""

import datasets
import evaluate
from sklearn.metrics import f1_score, matthews_corrcoef

_DESCRIPTION = "The metrics of the GLUE benchmark: accuracy, and F1 for MRPC/QQP, Matthews correlation for CoLA."
_CITATION = ""
_KWARGS_DESCRIPTION = """
Args:
    predictions (list of int): predicted labels.
    references (list of int): ground-truth labels.
Returns:
    mrpc, qqp: {"accuracy": float, "f1": float}; cola: {"matthews_correlation": float}; others: {"accuracy": float}.
Examples:
    >>> glue_metric = evaluate.load("glue", "mrpc")
    >>> glue_metric.compute(predictions=[0, 1], references=[0, 1])
    {'accuracy': 1.0, 'f1': 1.0}
"""
_CONFIGS = (
    "sst2",
    "mnli",
    "mnli_mismatched",
    "mnli_matched",
    "cola",
    "stsb",
    "mrpc",
    "qqp",
    "qnli",
    "rte",
    "wnli",
    "hans",
)


def simple_accuracy(preds, labels):
    return float((preds == labels).mean())


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Glue(evaluate.Metric):
    def _info(self):
        if self.config_name not in _CONFIGS:
            raise KeyError(f"You should supply a configuration name selected in {list(_CONFIGS)}")
        if self.config_name == "stsb":
            raise NotImplementedError(
                "The course hub's glue metric covers the classification tasks only (stsb needs scipy's "
                "pearsonr/spearmanr)."
            )
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}
            ),
            format="numpy",
        )

    def _compute(self, predictions, references):
        if self.config_name == "cola":
            return {"matthews_correlation": float(matthews_corrcoef(references, predictions))}
        if self.config_name in ("mrpc", "qqp"):
            return {
                "accuracy": simple_accuracy(predictions, references),
                "f1": float(f1_score(y_true=references, y_pred=predictions)),
            }
        return {"accuracy": simple_accuracy(predictions, references)}
