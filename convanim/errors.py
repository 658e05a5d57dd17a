"""convanim's errors: one shape, with their parts as attributes.

Every user mistake is a :class:`SpecError` (a ``ValueError``) whose message reads
``"<parameter>[<axis>] = <value> is not valid: expected <range>"``. Its parts are kept as
attributes (:attr:`~SpecError.parameter`, :attr:`~SpecError.axis`,
:attr:`~SpecError.value`, :attr:`~SpecError.expected`), so a front-end names the
parameter in its own vocabulary (a flag on the command line, an option in Sphinx, a
field in a manifest) without parsing the message text.
"""

from __future__ import annotations

__all__ = ["ManifestError", "SpecError", "invalid", "shown"]

SHOWN_MAX = 60
"""Longest value echoed in a message: a 5,000-digit number stays one readable line."""


def shown(value: object, limit: int = SHOWN_MAX) -> str:
    """``repr(value)`` for a one-line message, its middle cut when longer than ``limit``.

    >>> shown(10**100)
    '1000000000000000000000000...000000000 (101 digits)'
    """
    try:
        text = repr(value)
    except ValueError:  # an int past Python's 4,300-digit conversion limit
        text = None
    if text is not None and len(text) <= limit:
        return text
    if isinstance(value, int) and not isinstance(value, bool):
        digits = len(str(abs(value))) if text is not None else None
        head = text[:25] if text is not None else ""
        tail = text[-9:] if text is not None else ""
        if digits is None:  # too long for str(): say roughly how long
            return f"an integer of about {int(abs(value).bit_length() * 0.30103)} digits"
        return f"{head}...{tail} ({digits} digits)"
    return f"{text[: limit - 12]}...{text[-5:]} ({len(text)} characters)"


_UNSET = object()


class SpecError(ValueError):
    """A one-line complaint about one parameter of a spec or a drawing option.

    Parameters
    ----------
    message : str, optional
        The whole line, for the few complaints that do not fit the usual shape; built
        from the other arguments when omitted.
    parameter : str, optional
        The Python name of the parameter at fault (``"stride"``, ``"dpi"``), or None
        when the complaint is about the whole call.
    axis : int, optional
        The axis at fault, when the value was given per axis.
    value : object, optional
        The value given.
    expected : str, optional
        What would have been valid, in words (``"an integer >= 1"``).

    Examples
    --------
    >>> error = SpecError(parameter="stride", axis=1, value=0, expected="an integer >= 1")
    >>> str(error)
    'stride[1] = 0 is not valid: expected an integer >= 1'
    >>> error.parameter, error.axis, error.value
    ('stride', 1, 0)
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        parameter: str | None = None,
        axis: int | None = None,
        value: object = _UNSET,
        expected: str | None = None,
    ) -> None:
        if message is None:
            echoed = "" if value is _UNSET else f" = {shown(value)}"
            message = f"{_where(parameter, axis)}{echoed} is not valid: expected {expected}"
        super().__init__(message)
        self.parameter = parameter
        self.axis = axis
        self.value = None if value is _UNSET else value
        self.expected = expected

    @property
    def message(self) -> str:
        """The one line, without any front-end's prefix."""
        return str(self.args[0]) if self.args else ""

    def __reduce__(self):
        # Keep the structured parts across process pools (a gallery's workers).
        return (
            _rebuild,
            (type(self), self.message, self.parameter, self.axis, self.value, self.expected),
        )


class ManifestError(SpecError):
    """A gallery manifest entry (or the manifest itself) is not valid.

    The message starts with the entry (``gallery entry 'name': ...``); :attr:`entry`
    holds the entry's name (None for the manifest as a whole).
    """

    entry: str | None = None


# Tracebacks and reprs name the public place: convanim.SpecError.
SpecError.__module__ = "convanim"
ManifestError.__module__ = "convanim.gallery"


def _rebuild(kind, message, parameter, axis, value, expected):
    return kind(message, parameter=parameter, axis=axis, value=value, expected=expected)


def _where(parameter: str | None, axis: int | None) -> str:
    name = parameter if parameter is not None else "value"
    return name if axis is None else f"{name}[{axis}]"


def invalid(
    parameter: str, value: object, expected: str, *, axis: int | None = None, detail: str = ""
) -> SpecError:
    """The usual error: ``parameter[axis] = value is not valid[ detail]: expected ...``.

    ``detail`` goes between "valid" and the colon, as in ``"is not valid for the matrix
    view"``.
    """
    where = _where(parameter, axis)
    message = f"{where} = {shown(value)} is not valid{detail}: expected {expected}"
    return SpecError(message, parameter=parameter, axis=axis, value=value, expected=expected)
