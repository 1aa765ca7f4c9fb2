"""The Hugging Face hub cache: its naming rules (layout), an importer (writer), a checker (inspect), a mirror."""
