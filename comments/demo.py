"""Demo comments (filled in by the comments feature)."""


def has_content():
    return False


def load(stdout):
    pass
