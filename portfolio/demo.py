"""Demo content of the profile app (filled in by the profile feature)."""


def has_content():
    return False


def load(stdout):
    pass
