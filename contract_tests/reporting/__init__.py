"""What a run tells people: the Markdown report, the JUnit file, warnings and allowed deviations."""
