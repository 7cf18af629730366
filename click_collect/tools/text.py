"""Text from outside (a web shop's JSON, a courier's callback, a visitor's form) and what
PostgreSQL can store of it. Plain Python, no ORM."""


def has_lone_surrogate(text):
    """Whether the text holds half of a surrogate pair alone: JSON allows "\\ud800", Unicode
    text (and PostgreSQL) does not."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def storable(text):
    """Whether PostgreSQL can store the text: no NUL character and no lone surrogate (JSON
    allows both)."""
    return "\x00" not in text and not has_lone_surrogate(text)


def nonblank_text(value):
    """Whether ``value`` is a string with more than blanks that PostgreSQL can store."""
    return isinstance(value, str) and bool(value.strip()) and storable(value)
