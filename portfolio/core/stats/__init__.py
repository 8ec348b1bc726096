"""First-party statistics: views, downloads, referring sites and searches, per day.

Aggregates only, in the spirit of Plausible and GoatCounter: a visit adds one to a
(day, what, which) counter and nothing else is kept, no cookie, no IP address, no
identifier. `counting` counts (cached hits too), `summary` reads for the dashboard.
"""
