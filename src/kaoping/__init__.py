"""kaoping (考评): make a development plan operable."""

__version__ = "0.1.0"
