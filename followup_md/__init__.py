"""followup-md: a job seeker's follow-up system kept in Markdown notes."""

__version__ = "0.1.0"
