"""Request sequences: stateful fuzzing of the viewers endpoint, and the reproducers of what it finds."""
