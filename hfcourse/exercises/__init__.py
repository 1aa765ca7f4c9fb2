"""Exercises: a task, the learner's answer, a check with specific feedback, a hint and a solution.

In a lesson::

    from hfcourse.exercises.pipeline import top_completions as exercise
    exercise.show()            # the task
    answer = ...               # the learner replaces ... with code
    exercise.check(answer)     # feedback; never raises, so the notebook runs top to bottom
    exercise.hint()            # when stuck
"""

from hfcourse.exercises.core import Exercise, Feedback

__all__ = ["Exercise", "Feedback"]
