"""hfcourse: helpers for a runnable course on the Hugging Face stack.

Importing this package never imports transformers, datasets or huggingface_hub, so that
`hfcourse.setup()` can configure them before their first import.
"""

from hfcourse.modes import Mode, setup

__all__ = ["Mode", "setup", "__version__"]
__version__ = "0.1.0"
