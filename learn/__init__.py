"""Learn: an open learning-resource discovery platform."""

__version__ = "0.1.0"
