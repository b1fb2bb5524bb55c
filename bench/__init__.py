"""fttm's benchmark (`make bench`): measured figures, never timed tests. Results go to
bench/results/ as JSON; the table is printed.
"""
