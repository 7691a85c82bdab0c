"""Text for people: escaping into LaTeX and Markdown, values and messages in math mode (used by reports and gradebooks)."""
