"""The regions of the world the gallery filters by: the continental regions of the UN's M49
standard, with Latin America and the Caribbean apart from Northern America (the programme's
partner countries are mostly in the former)."""

from django.utils.translation import gettext_lazy as _

REGIONS = {
    "africa": (
        _("Africa"),
        "DZ EG LY MA SD TN EH "
        "BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TZ UG ZM ZW "
        "AO CM CF TD CG CD GQ GA ST "
        "BW SZ LS NA ZA "
        "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG IO TF",
    ),
    "latin_america": (
        _("Latin America and the Caribbean"),
        "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI "
        "BZ CR SV GT HN MX NI PA "
        "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
    ),
    "northern_america": (_("Northern America"), "BM CA GL PM US"),
    "asia": (
        _("Asia"),
        "KZ KG TJ TM UZ "
        "CN HK MO KP JP MN KR TW "
        "BN KH ID LA MY MM PH SG TH TL VN "
        "AF BD BT IN IR MV NP PK LK "
        "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    ),
    "europe": (
        _("Europe"),
        "BY BG CZ HU PL MD RO RU SK UA "
        "AX DK EE FO FI GG IS IE IM IT JE LV LT NO SJ SE GB "
        "AL AD BA HR GI GR VA ME MK MT PT SM RS SI ES XK "
        "AT BE FR DE LI LU MC NL CH",
    ),
    "oceania": (
        _("Oceania"),
        "AU NZ NF HM CX CC UM FJ NC PG SB VU GU KI MH FM NR MP PW AS CK PF NU PN WS TK TO TV WF",
    ),
}

REGION_OF_COUNTRY = {
    code: region for region, (_label, codes) in REGIONS.items() for code in codes.split()
}


def region_choices() -> list[tuple[str, str]]:
    return [(region, str(label)) for region, (label, _codes) in REGIONS.items()]


def countries_of(region: str) -> list[str]:
    return REGIONS[region][1].split() if region in REGIONS else []
