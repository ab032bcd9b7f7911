"""English dates as a reader in Norway expects them: "1 December 2026 14:21", not Django's
American "Dec. 1, 2026, 2:21 p.m."; the service is Norwegian, and its times are Norwegian time.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
