"""Run question sets with known answers, score them, compare with baselines, and write a report.

The question format and the metrics are those of ../shared/eval/README.md.
"""
