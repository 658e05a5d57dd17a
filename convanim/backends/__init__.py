"""Backends beside matplotlib's (:mod:`convanim.render.mpl`) that draw a Drawing alone."""
