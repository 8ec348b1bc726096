"""The site owner's professional profile, and the messages visitors send through the contact form."""

import datetime
import heapq
import json
import secrets

import nh3
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Q, Value, Window
from django.db.models.functions import JSONObject, RowNumber
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill

from portfolio.core.private_apis import set_prefetched
from portfolio.core.security import from_same_client
from portfolio.core.uploads import SafeImageField

# What the author may use in the summary: paragraphs, emphasis, lists and links.
SUMMARY_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote"}
PHOTO_WIDTHS = (160, 320, 640)


def sanitize_rich_text(html):
    """The author's HTML with everything but simple formatting removed (links get rel=noopener)."""
    return nh3.clean(
        html or "",
        tags=SUMMARY_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def group_skills(skills):
    """[(category, [skills])] in the author's order, categories in order of first appearance."""
    groups = {}
    for skill in skills:
        groups.setdefault(skill.category, []).append(skill)
    return list(groups.items())


class OrderedItem(models.Model):
    """A row of one of the profile's lists, in the order the author chose."""

    sort_order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "pk"]

    def get_absolute_url(self):
        return reverse("portfolio:profile")


class ProfileQuerySet(models.QuerySet):
    def current(self):
        """The one profile of the site, or None when the author has not created it yet."""
        return self.order_by("pk").first()

    def current_with_lists(self):
        """The profile with every list the profile page, CV and exports show: two queries.

        `profile.skills.all()` and the like then read the lists without a query of their
        own; the recommendations the page may show are in `published_recommendations`.
        """
        profile = self.current()
        if profile is not None:
            attach_lists(profile)
        return profile


class Profile(models.Model):
    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available now")
        AVAILABLE_FROM = "available_from", _("Available from a date")
        ON_MISSION = "on_mission", _("On a mission")
        NOT_LOOKING = "not_looking", _("Not looking")

    class WorkMode(models.TextChoices):
        REMOTE = "remote", _("Remote")
        ON_SITE = "on_site", _("On site")
        HYBRID = "hybrid", _("Hybrid")

    full_name = models.CharField(_("full name"), max_length=120)
    headline = models.CharField(
        _("headline"),
        max_length=200,
        help_text=_("e.g. Product Manager · Product Owner · Scrum Master — freelance"),
    )
    photo = SafeImageField(_("photo"), upload_to="profile/", blank=True)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=20,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    available_from = models.DateField(
        _("available from"),
        null=True,
        blank=True,
        help_text=_("Only used with “Available from a date”."),
    )
    work_mode = models.CharField(
        _("work mode"), max_length=10, choices=WorkMode.choices, blank=True
    )
    days_per_week = models.PositiveSmallIntegerField(
        _("days per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    availability_note = models.CharField(_("availability note"), max_length=200, blank=True)
    pitch = models.TextField(
        _("pitch"), max_length=400, blank=True, help_text=_("Two or three sentences.")
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_(
            "HTML allowed: paragraphs, bold, italics, lists and links. Anything else is removed."
        ),
    )
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_("Private: never shown on the site. Contact messages are sent to OWNER_EMAIL."),
    )
    is_email_in_vcard = models.BooleanField(
        _("put the email in the vCard"),
        default=False,
        help_text=_("Off by default: the contact form is the public way to reach you."),
    )
    # What the CV shows: the author keeps it to one or two pages by leaving sections out.
    is_periods_on_cv = models.BooleanField(_("free-form periods"), default=True)
    is_education_on_cv = models.BooleanField(_("education"), default=True)
    is_certifications_on_cv = models.BooleanField(_("certifications"), default=True)
    is_skills_on_cv = models.BooleanField(_("skills"), default=True)
    is_languages_on_cv = models.BooleanField(_("spoken languages"), default=True)
    is_sectors_on_cv = models.BooleanField(_("sectors worked in"), default=True)
    is_services_on_cv = models.BooleanField(_("services offered"), default=True)
    is_recommendations_on_cv = models.BooleanField(_("recommendations"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Always True and unique: the database itself refuses a second profile.
    is_singleton = models.BooleanField(default=True, editable=False)

    objects = ProfileQuerySet.as_manager()

    photo_160 = ImageSpecField(
        source="photo", processors=[ResizeToFill(160, 160)], format="WEBP", options={"quality": 82}
    )
    photo_320 = ImageSpecField(
        source="photo", processors=[ResizeToFill(320, 320)], format="WEBP", options={"quality": 82}
    )
    photo_640 = ImageSpecField(
        source="photo", processors=[ResizeToFill(640, 640)], format="WEBP", options={"quality": 80}
    )
    # The PDF and the vCard embed a JPEG: every reader understands it.
    photo_jpeg = ImageSpecField(
        source="photo", processors=[ResizeToFill(320, 320)], format="JPEG", options={"quality": 85}
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("profile")
        verbose_name_plural = _("profile")
        constraints = [
            models.UniqueConstraint(fields=["is_singleton"], name="profile_only_one"),
            models.CheckConstraint(condition=Q(is_singleton=True), name="profile_singleton_true"),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True) | Q(days_per_week__range=(1, 7)),
                name="profile_days_per_week_range",
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("portfolio:profile")

    @property
    def summary_html(self):
        return mark_safe(sanitize_rich_text(self.summary))  # noqa: S308 — sanitized just above

    @property
    def is_open_to_work(self):
        return self.availability in (self.Availability.AVAILABLE, self.Availability.AVAILABLE_FROM)

    def photo_srcset(self):
        """`url width` pairs of the square WebP renditions, smallest first."""
        if not self.photo:
            return ""
        return ", ".join(
            f"{getattr(self, f'photo_{width}').url} {width}w" for width in PHOTO_WIDTHS
        )

    # The helpers below read the lists of `current_with_lists()`: no query of their own.

    def timeline(self):
        """Positions and free-form periods, each list in the author's order.

        The two lists are interleaved by date (heapq.merge only compares the heads, so each
        list keeps its own order): left at the default order, positions come most recent
        first and periods fall in among them by their year; an entry moved in the admin
        stays where put.
        """
        return list(
            heapq.merge(
                self.positions.all(),
                self.periods.all(),
                key=lambda entry: entry.sort_key,
                reverse=True,
            )
        )

    def current_positions(self):
        """Where the person works now (volunteering aside), most recent first."""
        return [
            position
            for position in self.positions.all()
            if position.is_current and position.kind != Position.Kind.VOLUNTEERING
        ]

    def skill_groups(self):
        return group_skills(self.skills.all())

    def first_start(self):
        starts = [position.start_date for position in self.positions.all()]
        return min(starts) if starts else None

    @cached_property
    def key_figures(self):
        """Figures computed from the data, never typed in."""
        first = self.first_start()
        today = timezone.localdate()
        years = 0
        if first:
            years = today.year - first.year - ((today.month, today.day) < (first.month, first.day))
        return {
            "years_of_experience": max(years, 0),
            "missions": sum(1 for p in self.positions.all() if p.kind == Position.Kind.FREELANCE),
            "certifications": len(self.certifications.all()),
            "recommendations": len(self.published_recommendations),
        }


class Language(OrderedItem):
    class Level(models.TextChoices):
        NATIVE = "native", _("Native")
        C2 = "C2", _("Proficient (C2)")
        C1 = "C1", _("Advanced (C1)")
        B2 = "B2", _("Upper intermediate (B2)")
        B1 = "B1", _("Intermediate (B1)")
        A2 = "A2", _("Elementary (A2)")
        A1 = "A1", _("Beginner (A1)")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(_("language"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)

    class Meta(OrderedItem.Meta):
        verbose_name = _("spoken language")
        verbose_name_plural = _("spoken languages")

    def __str__(self):
        return f"{self.name} ({self.get_level_display()})"


class Link(OrderedItem):
    class Kind(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn"
        GITHUB = "github", "GitHub"
        MALT = "malt", "Malt"
        WEBSITE = "website", _("Website")
        OTHER = "other", _("Other")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.CharField(
        _("label"), max_length=60, blank=True, help_text=_("Shown instead of the kind when set.")
    )
    url = models.URLField(_("address"))

    class Meta(OrderedItem.Meta):
        verbose_name = _("public link")
        verbose_name_plural = _("public links")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.label or self.get_kind_display()


class Position(OrderedItem):
    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment")
        FREELANCE = "freelance", _("Freelance mission")
        OWN_COMPANY = "own_company", _("Own company")
        VOLUNTEERING = "volunteering", _("Volunteering")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="positions")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.EMPLOYMENT)
    role = models.CharField(_("role"), max_length=150)
    organization = models.CharField(_("organization"), max_length=150)
    url = models.URLField(_("organization’s site"), blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    start_date = models.DateField(_("start"), help_text=_("Only the month and year are shown."))
    end_date = models.DateField(
        _("end"), null=True, blank=True, help_text=_("Empty means “present”.")
    )
    description = models.TextField(_("description"), blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    cv_description = models.TextField(
        _("short description for the CV"),
        blank=True,
        help_text=_("Two or three lines. The CV shows it instead of the full description."),
    )
    is_on_cv = models.BooleanField(_("shown on the CV"), default=True)

    class Meta(OrderedItem.Meta):
        # Positions left at the same order fall back to the most recent first.
        ordering = ["sort_order", "-start_date", "-pk"]
        verbose_name = _("position or mission")
        verbose_name_plural = _("career: positions and missions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_ends_after_start",
                violation_error_message=_("The end date must come after the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.role} — {self.organization}"

    @property
    def cv_text(self):
        return self.cv_description or self.description

    @property
    def is_current(self):
        return self.end_date is None

    @property
    def is_period(self):
        return False

    @property
    def sort_key(self):
        return (self.start_date, 1)


class Period(OrderedItem):
    """A free-form stretch of life on the timeline: “1987 – 1997: a passion for computing”."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="periods")
    start_year = models.PositiveSmallIntegerField(_("from (year)"))
    end_year = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    text = models.CharField(_("text"), max_length=300)

    class Meta(OrderedItem.Meta):
        ordering = ["sort_order", "-start_year", "pk"]
        verbose_name = _("free-form period")
        verbose_name_plural = _("career: free-form periods")

    def __str__(self):
        return f"{self.years}: {self.text}"

    @property
    def years(self):
        if self.end_year and self.end_year != self.start_year:
            return f"{self.start_year} – {self.end_year}"
        return str(self.start_year)

    @property
    def is_period(self):
        return True

    @property
    def sort_key(self):
        return (datetime.date(self.start_year, 1, 1), 0)


class Education(OrderedItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="education")
    title = models.CharField(_("diploma"), max_length=200)
    level = models.CharField(
        _("level"), max_length=60, blank=True, help_text=_("e.g. BTS, Master (Bac+5)")
    )
    school = models.CharField(_("school"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta(OrderedItem.Meta):
        ordering = ["sort_order", "-year", "pk"]
        verbose_name = _("diploma")
        verbose_name_plural = _("education")

    def __str__(self):
        return self.title


class Certification(OrderedItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="certifications")
    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=150, blank=True)
    issued_on = models.DateField(_("date obtained"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    credential_url = models.URLField(_("credential link"), blank=True)

    class Meta(OrderedItem.Meta):
        ordering = ["sort_order", "-issued_on", "pk"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self):
        return self.name

    @property
    def is_expired(self):
        return bool(self.expires_on and self.expires_on < timezone.localdate())


class Skill(OrderedItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    category = models.CharField(_("category"), max_length=80)
    name = models.CharField(_("skill"), max_length=80)

    class Meta(OrderedItem.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return f"{self.category}: {self.name}"


class Sector(OrderedItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="sectors")
    name = models.CharField(_("sector"), max_length=100)

    class Meta(OrderedItem.Meta):
        verbose_name = _("sector worked in")
        verbose_name_plural = _("sectors worked in")

    def __str__(self):
        return self.name


class Service(OrderedItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="services")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta(OrderedItem.Meta):
        verbose_name = _("service offered")
        verbose_name_plural = _("services offered")

    def __str__(self):
        return self.title


class RecommendationQuerySet(models.QuerySet):
    def with_consent(self):
        """Recommendations whose author agreed to publication: the only ones ever shown."""
        return self.filter(has_consent=True)


class Recommendation(OrderedItem):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="recommendations")
    quote = models.TextField(_("quote"))
    author = models.CharField(_("author"), max_length=120)
    author_role = models.CharField(_("author’s role"), max_length=120, blank=True)
    company = models.CharField(_("company"), max_length=120, blank=True)
    given_on = models.DateField(_("date"), null=True, blank=True)
    source_url = models.URLField(_("source link"), blank=True)
    has_consent = models.BooleanField(
        _("author agreed to publication"),
        default=False,
        help_text=_("Without it, the recommendation stays private."),
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta(OrderedItem.Meta):
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return f"{self.author} ({self.company})" if self.company else self.author


class PressMention(OrderedItem):
    """What others wrote about the person: an interview, a portrait, an article."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="press_mentions")
    title = models.CharField(_("title"), max_length=200)
    publication = models.CharField(
        _("publication"), max_length=120, help_text=_("The magazine, newspaper or site.")
    )
    published_on = models.DateField(_("date"), null=True, blank=True)
    url = models.URLField(_("address"), blank=True)
    quote = models.TextField(
        _("short quote"), max_length=400, blank=True, help_text=_("A sentence or two.")
    )

    class Meta(OrderedItem.Meta):
        verbose_name = _("press article")
        verbose_name_plural = _("in the press")

    def __str__(self):
        return f"{self.title} ({self.publication})"


# The profile's lists in one query --------------------------------------------


def profile_lists():
    """Each list of the profile a page can show: where it lands on the profile, and its rows."""
    return {
        "languages": Language.objects.all(),
        "links": Link.objects.all(),
        "positions": Position.objects.all(),
        "periods": Period.objects.all(),
        "education": Education.objects.all(),
        "certifications": Certification.objects.all(),
        "skills": Skill.objects.all(),
        "sectors": Sector.objects.all(),
        "services": Service.objects.all(),
        "press_mentions": PressMention.objects.all(),
        "published_recommendations": Recommendation.objects.with_consent(),
    }


def attach_lists(profile):
    """Read every list of `profile` in one query (UNION ALL), not one prefetch a list.

    The lists' columns differ, so each branch sends its rows as JSON objects, with their
    rank in the list's own `Meta.ordering` (the order a prefetch would give); the rows are
    made model instances again and stored where `prefetch_related()` would put them.
    """
    lists = profile_lists()
    sql, params = lists_sql(profile, lists)
    with connections[profile._state.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = {name: [] for name in lists}
    for relation, _rank, row in rows:
        values = json.loads(row) if isinstance(row, str) else row
        fields = concrete(lists[relation])
        found[relation].append(
            lists[relation].model.from_db(
                profile._state.db,
                [field.attname for field in fields],
                [field.to_python(values[field.attname]) for field in fields],
            )
        )
    profile.published_recommendations = found.pop("published_recommendations")
    for accessor, objects in found.items():
        set_prefetched(profile, accessor, objects)


# The union's SQL depends only on the models and the profile: made once per process and
# database, as building and compiling its eleven querysets cost several times the query.
_lists_sql = {}


def lists_sql(profile, lists):
    key = (profile._state.db, profile.pk)
    if key not in _lists_sql:
        branches = [
            queryset.filter(profile=profile)
            .order_by()
            .values(
                relation=Value(name),
                rank=Window(RowNumber(), order_by=queryset.model._meta.ordering),
                row=JSONObject(**{field.attname: field.attname for field in concrete(queryset)}),
            )
            for name, queryset in lists.items()
        ]
        union = branches[0].union(*branches[1:], all=True).order_by("relation", "rank")
        _lists_sql[key] = union.query.get_compiler(using=profile._state.db).as_sql()
    return _lists_sql[key]


def concrete(queryset):
    return queryset.model._meta.concrete_fields


# Tailored CVs ----------------------------------------------------------------


def new_token():
    # 24 random bytes: a link nobody can guess, and short enough to send.
    return secrets.token_urlsafe(24)


class TailoredCVQuerySet(models.QuerySet):
    def active(self):
        """Links a recruiter can open: not revoked, and not past their expiry date."""
        today = timezone.localdate()
        return self.filter(is_revoked=False).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )


class TailoredCV(models.Model):
    """A version of the CV for one application, shared by a private link.

    It shows the positions, skills and certifications ticked here (none ticked, none
    shown) and the sections ticked below; everything else comes from the profile.
    """

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="tailored_cvs")
    name = models.CharField(
        _("name"),
        max_length=150,
        help_text=_("For you only, e.g. “Application CHU Lyon — PO”."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    pitch = models.TextField(
        _("pitch"),
        max_length=600,
        blank=True,
        help_text=_("Written for this application; empty, the profile’s pitch is used."),
    )
    positions = models.ManyToManyField(Position, verbose_name=_("positions"), blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    certifications = models.ManyToManyField(
        Certification, verbose_name=_("certifications"), blank=True
    )
    is_summary_on_cv = models.BooleanField(_("summary"), default=True)
    is_periods_on_cv = models.BooleanField(_("free-form periods"), default=False)
    is_education_on_cv = models.BooleanField(_("education"), default=True)
    is_languages_on_cv = models.BooleanField(_("spoken languages"), default=True)
    is_sectors_on_cv = models.BooleanField(_("sectors worked in"), default=True)
    is_services_on_cv = models.BooleanField(_("services offered"), default=False)
    is_recommendations_on_cv = models.BooleanField(_("recommendations"), default=True)
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("The link stops working after this day. Empty: it works until revoked."),
    )
    is_revoked = models.BooleanField(_("revoked"), default=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Readings, counted by portfolio.cv_links.record (no address, no cookie: counts and times).
    first_opened_at = models.DateTimeField(_("first opened"), null=True, editable=False)
    last_opened_at = models.DateTimeField(_("last opened"), null=True, editable=False)
    open_count = models.PositiveIntegerField(_("openings"), default=0, editable=False)
    pdf_count = models.PositiveIntegerField(_("PDF downloads"), default=0, editable=False)
    pdf_last_at = models.DateTimeField(_("last PDF download"), null=True, editable=False)
    docx_count = models.PositiveIntegerField(_("Word downloads"), default=0, editable=False)
    docx_last_at = models.DateTimeField(_("last Word download"), null=True, editable=False)

    objects = TailoredCVQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tailored CV")
        verbose_name_plural = _("tailored CVs")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        with translation.override(self.language):
            return reverse("portfolio:tailored_cv", args=[self.token])

    @property
    def is_expired(self):
        return bool(self.expires_on and self.expires_on < timezone.localdate())

    @property
    def is_active(self):
        return not self.is_revoked and not self.is_expired


# Contact ---------------------------------------------------------------------


class ContactMessageQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(status=ContactMessage.Status.UNREAD)

    def recent_from(self, ip_address, seconds):
        """Messages sent from this address's client (its IPv6 /64) in the last `seconds`."""
        since = timezone.now() - datetime.timedelta(seconds=seconds)
        return from_same_client(self.filter(created_at__gte=since), ip_address)


class ContactMessage(models.Model):
    class Status(models.TextChoices):
        UNREAD = "unread", _("Unread")
        READ = "read", _("Read")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    organization = models.CharField(_("organization"), max_length=150, blank=True)
    subject = models.CharField(_("subject"), max_length=150)
    message = models.TextField(_("message"), max_length=5000)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UNREAD, db_index=True
    )
    is_notified = models.BooleanField(
        _("email sent"),
        default=False,
        help_text=_("Off when the notification email could not be sent."),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)

    objects = ContactMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["unread", "read", "archived"]),
                name="contactmessage_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.subject}"

    def get_absolute_url(self):
        return reverse("portfolio:contact")
