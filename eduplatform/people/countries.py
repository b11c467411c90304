"""Countries as ISO 3166-1 alpha-2 codes, from the CLDR territory data that Babel ships."""

from babel import Locale
from flask_babel import lazy_gettext as _l

# CLDR names some two-letter codes that are not ISO 3166-1 countries: exceptionally reserved
# ones (AC, CP, CQ, DG, EA, IC, TA), groupings (EU, EZ, UN, QO), user-assigned or pseudo ones
# (XA, XB, XK) and "unknown" (ZZ). What is left is ISO's list of 249 countries and territories.
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}
)
COUNTRY_CODES = frozenset(
    code
    for code in Locale("en").territories
    if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
)
COUNTRY_MESSAGE = _l("Enter a country as its two-letter ISO code, such as ID or CN.")


def is_country(code):
    """Whether `code` (any case, spaces around) is an ISO 3166-1 alpha-2 country code."""
    return (code or "").strip().upper() in COUNTRY_CODES
