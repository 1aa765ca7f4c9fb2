"""English and French phrases written for the course, from which the T5 stand-in's sentence pairs are made.

A small lexicon, so that each word is seen often in a few seconds of training; `t5.py` puts them together
(agreement, elision, word order).
"""

from __future__ import annotations

# A noun: English singular and plural, French singular and plural, feminine, French starts with a vowel sound.
NOUNS = (
    ("course", "courses", "cours", "cours", False, False),
    ("book", "books", "livre", "livres", False, False),
    ("film", "films", "film", "films", False, False),
    ("program", "programs", "programme", "programmes", False, False),
    ("model", "models", "modèle", "modèles", False, False),
    ("school", "schools", "école", "écoles", True, True),
    ("song", "songs", "chanson", "chansons", True, False),
    ("story", "stories", "histoire", "histoires", True, True),
    ("company", "companies", "entreprise", "entreprises", True, True),
    ("lesson", "lessons", "leçon", "leçons", True, False),
)
# A determiner: English singular and plural (None: no plural), then French masculine, masculine before a vowel,
# feminine, feminine before a vowel, plural.
DETERMINERS = (
    ("the", "the", "le ", "l'", "la ", "l'", "les "),
    ("this", "these", "ce ", "cet ", "cette ", "cette ", "ces "),
    ("my", "my", "mon ", "mon ", "ma ", "mon ", "mes "),
    ("our", "our", "notre ", "notre ", "notre ", "notre ", "nos "),
    ("a", None, "un ", "un ", "une ", "une ", None),
)
# An adjective: English, French masculine singular, feminine singular, masculine plural, feminine plural.
ADJECTIVES = (
    ("free", ("gratuit", "gratuite", "gratuits", "gratuites")),
    ("French", ("français", "française", "français", "françaises")),
    ("popular", ("populaire", "populaire", "populaires", "populaires")),
    ("interesting", ("intéressant", "intéressante", "intéressants", "intéressantes")),
    ("easy", ("facile", "facile", "faciles", "faciles")),
    ("short", ("court", "courte", "courts", "courtes")),
    ("new", ("nouveau", "nouvelle", "nouveaux", "nouvelles")),
    ("good", ("bon", "bonne", "bons", "bonnes")),
    ("long", ("long", "longue", "longs", "longues")),
)
NOUN_ADJECTIVES = ADJECTIVES[:4]  # used inside a noun phrase, where French puts them after the noun
PARTICIPLES = (
    ("produced", "produit"),
    ("written", "écrit"),
    ("made", "fait"),
    ("used", "utilisé"),
    ("loved", "aimé"),
    ("published", "publié"),
    ("created", "créé"),
    ("translated", "traduit"),
)
AGENTS = (
    ("Hugging Face", "Hugging Face"),
    ("my friend", "mon ami"),
    ("the teacher", "le professeur"),
    ("the students", "les étudiants"),
    ("our team", "notre équipe"),
    ("a French company", "une entreprise française"),
)
# A person: English, French, and which French verb form it takes (index into a verb's forms below).
PERSONS = (
    ("I", "je", 0),
    ("You", "vous", 1),
    ("We", "nous", 2),
    ("They", "ils", 4),
    ("My friend", "mon ami", 3),
    ("Hugging Face", "Hugging Face", 3),
)
# A verb: English base and third person, French forms for je, vous, nous, il, ils.
VERBS = (
    ("like", "likes", ("aime", "aimez", "aimons", "aime", "aiment")),
    ("read", "reads", ("lis", "lisez", "lisons", "lit", "lisent")),
    ("write", "writes", ("écris", "écrivez", "écrivons", "écrit", "écrivent")),
    ("want", "wants", ("veux", "voulez", "voulons", "veut", "veulent")),
    ("use", "uses", ("utilise", "utilisez", "utilisons", "utilise", "utilisent")),
    ("love", "loves", ("adore", "adorez", "adorons", "adore", "adorent")),
)
