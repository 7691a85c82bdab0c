"""Write-ups: a student's own Markdown or LaTeX, read and checked step by step."""
