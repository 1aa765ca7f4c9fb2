"""Exercises, one module per lesson (`lesson01` … `lesson08`): a task, a check with feedback, a hint, a solution.

In a lesson::

    from hfcourse.exercises import lesson03 as exercises

    exercises.layer_count.show()          # the task
    answer = ...                          # the learner replaces ... with code
    exercises.layer_count.check(answer)   # feedback; never raises, so the notebook runs top to bottom
    exercises.layer_count.hint()          # when stuck; .solution() shows one answer
"""

from hfcourse.exercises.core import Choice, Exercise, ExerciseFactory, Feedback, MultipleChoice

__all__ = ["Choice", "Exercise", "ExerciseFactory", "Feedback", "MultipleChoice"]
