"""idea-auditor: audit federal websites against the 21st Century IDEA Act and OMB M-23-22."""

__version__ = "0.1.0"
