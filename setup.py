"""The compiled part of convanim: the GIF writer's per-pixel loops (optional).

Everything else is in pyproject.toml. The extension is optional: where no C compiler
is found the install goes on and convanim runs the same loops in numpy, giving the
same bytes (``convanim.writers._compiled``; the tests compare both paths).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            # Top-level, not convanim.writers._kernels: a source checkout on sys.path
            # (python -m pytest in the repository) hides the installed package's
            # files, not this module.
            "_convanim_kernels",
            sources=["convanim/writers/_kernels.c"],
            optional=True,
            extra_compile_args=["-O2"],
        )
    ]
)
