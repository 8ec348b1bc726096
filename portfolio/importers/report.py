"""What an import did, for the command's output and the admin's report page.

Every importer (WordPress, Medium…) fills the same `Report`, so the command
prints it with `as_lines()` and the admin shows it with
`templates/admin/importers/report.html`.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class Entry:
    kind: str  # "post", "page", "comment"…
    title: str
    url: str = ""
    reason: str = ""


@dataclass
class Report:
    source: str = ""
    dry_run: bool = False
    refused: str = ""  # one line: nothing was imported
    imported: list = field(default_factory=list)  # Entry
    updated: list = field(default_factory=list)  # Entry
    unchanged: Counter = field(default_factory=Counter)  # kind → count
    skipped: list = field(default_factory=list)  # Entry with a reason
    comments: Counter = field(default_factory=Counter)  # published, held, spam, trash, ping…
    # "[name]" / "wp:name" → titles of the posts where it was kept as text.
    kept_as_text: dict = field(default_factory=lambda: defaultdict(list))
    left_out: dict = field(default_factory=lambda: defaultdict(list))
    missing_images: list = field(default_factory=list)  # (src, title, reason)
    notes: list = field(default_factory=list)  # anything else the author should know

    @property
    def ok(self):
        return not self.refused

    def keep(self, bucket, labels, title):
        for label in labels:
            if title not in bucket[label]:
                bucket[label].append(title)

    def counts(self):
        """{kind: (imported, updated, unchanged)}"""
        kinds = {entry.kind for entry in self.imported + self.updated} | set(self.unchanged)
        return {
            kind: (
                sum(entry.kind == kind for entry in self.imported),
                sum(entry.kind == kind for entry in self.updated),
                self.unchanged[kind],
            )
            for kind in sorted(kinds)
        }

    # Lists for templates: a Counter or defaultdict answers `.items` with a key lookup.
    def comment_counts(self):
        return sorted(self.comments.items())

    def kept_as_text_list(self):
        return sorted(self.kept_as_text.items())

    def left_out_list(self):
        return sorted(self.left_out.items())

    def skipped_by_reason(self):
        reasons = Counter(entry.reason for entry in self.skipped)
        return sorted(reasons.items())

    def as_lines(self):
        """The report as plain text lines (the command prints them)."""
        if self.refused:
            return [self.refused]
        lines = [
            f"Import from {self.source}" + (" (dry run: nothing written)" if self.dry_run else "")
        ]
        for kind, (imported, updated, unchanged) in self.counts().items():
            lines.append(f"{kind}: {imported} imported, {updated} updated, {unchanged} unchanged")
        if self.comments:
            lines.append(
                "comments: "
                + ", ".join(f"{count} {what}" for what, count in sorted(self.comments.items()))
            )
        for reason, count in self.skipped_by_reason():
            lines.append(f"skipped: {count} × {reason}")
        for entry in self.skipped:
            lines.append(f"  - {entry.kind} “{entry.title}”: {entry.reason}")
        for label, titles in sorted(self.kept_as_text.items()):
            lines.append(f"kept as text: {label} in " + ", ".join(f"“{t}”" for t in titles))
        for label, titles in sorted(self.left_out.items()):
            lines.append(
                f"left out (no content of its own): {label} in "
                + ", ".join(f"“{t}”" for t in titles)
            )
        for src, title, reason in self.missing_images:
            lines.append(f"image not found: {src} (in “{title}”): {reason}")
        lines.extend(f"note: {note}" for note in self.notes)
        return lines
