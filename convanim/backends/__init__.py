"""Backends beside matplotlib: a :class:`~convanim.layout.Drawing` in another medium.

Each reads the drawing alone and builds text (no file I/O); a writer in
:mod:`convanim.writers` puts it in a file.
"""
