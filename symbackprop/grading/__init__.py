"""Grading: one answer against a reference, named mistakes, a class's submissions and gradebooks."""
