"""Proof: one claim checked end to end — instances, premises, the exact zero test, the counterexample search."""
