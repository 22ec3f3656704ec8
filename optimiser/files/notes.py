"""What every column of a template means, its unit and the values it allows.

The `notes` sheet of a template lists them; categorical columns and ids that refer to another
sheet also get drop-down lists (optimiser.files.dropdowns) on their own sheet.
"""

from __future__ import annotations

import typing
from enum import Enum
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from optimiser.files.tables import TABLES, Table, columns, settings_fields, strip_optional

GBP_YEAR = "£ a year"
FTE = "FTE (full-time equivalents)"
SHARE = "a fraction: 0.35 is 35%"
WEEK = "week number (1 = the first week of the planning year)"
METRES = "metres (British National Grid)"
ID = "an id: letters, digits, '_', '.' or '-'; no spaces"

# (sheet, column) -> (meaning, unit); shared columns by column alone
MEANING: dict[str, tuple[str, str]] = {
    "id": ("The row's id, used by other sheets to refer to it.", ID),
    "name": ("The name people use.", "text"),
    "description": ("What this instance describes: source documents and assumptions.", "text"),
    "settings.name": ("The instance's name, shown on every result.", ID),
    "settings.council_budget_cap_gbp": ("Cap on the council's net cost.", GBP_YEAR),
    "settings.admin_per_specialist_fte": ("Minimum admin FTE per specialist FTE.", "FTE per FTE"),
    "settings.traded_must_recover_cost": (
        "Traded income as a whole must cover the traded functions' cost.",
        "true or false",
    ),
    "settings.overhead_cost_gbp": ("Non-staff costs tied to no function.", GBP_YEAR),
    "settings.objective": (
        "min_net_cost: the cheapest plan; max_strategic_value: the most strategic value "
        "within the cap, then the cheapest.",
        "one of the allowed values",
    ),
    "settings.fte_step": (
        "Posts are hired and released in multiples of this (1 for whole posts); empty: any.",
        FTE,
    ),
    "settings.deployment_fte_step": (
        "Deploy FTE on each function in multiples of this; empty: any.",
        FTE,
    ),
    "settings.discount": ("Discount later years' net cost.", "true or false"),
    "settings.discount_rate": ("Discount rate a year (Green Book 3.5%).", SHARE),
    "settings.recovery_overhead_per_fte_gbp": (
        "Overheads and central recharges per FTE on a traded function (full cost recovery).",
        "£ a year per FTE",
    ),
    "settings.recovery_overhead_share": (
        "Overheads and central recharges as a share of a traded function's cost.",
        SHARE,
    ),
    "staff_groups.hire_cost_per_fte_gbp": (
        "One-off cost of hiring one FTE, in the year of the hire; empty: no hiring.",
        "£ per FTE, once",
    ),
    "staff_groups.turnover_share": ("Share of last year's establishment leaving each year.", SHARE),
    "staff_groups.max_change_fte": ("Most FTE hired plus released in a year; empty: any.", FTE),
    "staff_groups.vacancy_share": (
        "Share of the establishment vacant on average (not paid, not deployed).",
        SHARE,
    ),
    "funding_sources.per_unit_gbp": ("Money per unit of the driver, each year.", "£ per unit"),
    "funding_sources.driver": ("The driver (valued on year_drivers) the money follows.", ID),
    "funding_sources.service_share": ("Share of the money that comes to these functions.", SHARE),
    "funding_sources.years": (
        "Only in these years (a pilot); empty: every year.",
        "year ids, comma-separated",
    ),
    "funding_sources.total_gbp": (
        "A total to spread over the years (amount_gbp is then the most in one year).",
        "£",
    ),
    "grant_caps.source": ("The funding source whose condition this is.", ID),
    "grant_caps.function": ("The function the condition applies to.", ID),
    "grant_caps.role": ("The staff the cap counts: admin, specialist or any.", "a role"),
    "grant_caps.max_fte": ("Most FTE of that role the source may pay for there.", FTE),
    "surplus_share.up_to_gbp": (
        "Upper limit of this tier of traded surplus; empty on the last tier.",
        "£ a year",
    ),
    "surplus_share.council_share": ("The council's share of the surplus in this tier.", SHARE),
    "years.id": ("The financial year (2026-27).", ID),
    "years.cap_gbp": ("Cap on the council's net cost this year; empty: as before.", GBP_YEAR),
    "years.pay_uplift_share": ("Pay award this year (every cost per FTE rises by it).", SHARE),
    "years.overhead_cost_gbp": ("Non-staff costs tied to no function this year.", GBP_YEAR),
    "year_drivers.year": ("The year (from the years sheet).", ID),
    "year_drivers.id": ("The driver (say, maintained_pupils).", ID),
    "year_drivers.value": ("Its value this year.", "units of the driver"),
    "year_funding.year": ("The year (from the years sheet).", ID),
    "year_funding.id": ("The funding source.", ID),
    "year_funding.amount_gbp": ("Its fixed amount this year (replaces amount_gbp).", GBP_YEAR),
    "year_functions.year": ("The year (from the years sheet).", ID),
    "year_functions.id": ("The function.", ID),
    "year_functions.cases": ("Cases this year.", "cases a year"),
    "year_functions.min_fte": ("Minimum specialist FTE this year.", FTE),
    "year_functions.max_fte": ("Maximum specialist FTE this year.", FTE),
    "year_functions.take_up_share": ("Share of schools expected to buy this year.", SHARE),
    "year_functions.price_per_school_gbp": (
        "Price a school pays this year.",
        "£ a year per school",
    ),
    "year_functions.schools_in_scope": ("Schools that could buy this year.", "schools"),
    "year_functions.income_per_fte_gbp": ("Traded income per FTE this year.", "£ a year per FTE"),
    "year_bands.year": ("The year (from the years sheet).", ID),
    "year_bands.category": ("The category the band applies to.", "a category"),
    "year_bands.min_share": ("Least share of deployed specialist FTE this year.", SHARE),
    "year_bands.max_share": ("Greatest share of deployed specialist FTE this year.", SHARE),
    "settings.fixed_rules": (
        "Rules a diagnosis may not relax, by rule name (min_fte_<function id>, council_cap) "
        "or family (function_min, band_max); statutory minimums are fixed anyway.",
        "rule names, comma-separated",
    ),
    "settings.relaxable_rules": (
        "Rules a diagnosis may relax although fixed by default (a statutory minimum the "
        "council may revisit), by rule name or family.",
        "rule names, comma-separated",
    ),
    "staff_groups.role": (
        "specialist (deployed on functions) or admin (supports them).",
        "a role",
    ),
    "staff_groups.fte_available": ("FTE on the establishment now.", FTE),
    "staff_groups.cost_per_fte_gbp": ("Cost of one FTE: salary with on-costs.", GBP_YEAR),
    "staff_groups.skills": (
        "Skills the group holds (functions may require one); several separated by commas.",
        "ids, comma-separated",
    ),
    "staff_groups.min_deployed_fte": ("FTE that must stay deployed.", FTE),
    "staff_groups.release_cost_per_fte_gbp": (
        "Cost of releasing one FTE (redundancy, pension strain); empty: no release.",
        "£ per FTE, once",
    ),
    "functions.category": (
        "core (Core Offer, statutory), core_plus (Core Offer Plus, strategic) or traded "
        "(sold to schools).",
        "a category",
    ),
    "functions.statutory": ("Whether the law requires the function.", "true or false"),
    "functions.min_fte": ("Minimum specialist FTE.", FTE),
    "functions.max_fte": ("Maximum specialist FTE; empty: no maximum.", FTE),
    "functions.required_skill": (
        "Only specialists holding this skill may work here; empty: any specialist.",
        "a skill id from staff_groups",
    ),
    "functions.demand.cases": ("Cases a year (with cases per FTE, a minimum FTE).", "cases a year"),
    "functions.demand.cases_per_fte": ("Cases one FTE handles in a year.", "cases per FTE a year"),
    "functions.strategic_value_per_fte": (
        "Strategic value of one specialist FTE here (for max_strategic_value).",
        "points per FTE",
    ),
    "functions.non_staff_cost_gbp": ("Fixed non-staff cost.", GBP_YEAR),
    "functions.traded.income_per_fte_gbp": (
        "Traded income per specialist FTE delivered (or use the per-school columns).",
        "£ a year per FTE",
    ),
    "functions.traded.price_per_school_gbp": ("Price a school pays a year.", "£ a year per school"),
    "functions.traded.schools_in_scope": ("Schools that could buy.", "schools"),
    "functions.traded.take_up_share": ("Share of those schools expected to buy.", SHARE),
    "functions.traded.fte_per_school": ("Specialist FTE one school's purchase needs.", FTE),
    "functions.traded.must_recover_cost": (
        "Income must cover this function's full cost.",
        "true or false",
    ),
    "bands.category": ("The category the band applies to.", "a category"),
    "bands.min_share": ("Least share of deployed specialist FTE in the category.", SHARE),
    "bands.max_share": ("Greatest share of deployed specialist FTE in the category.", SHARE),
    "funding_sources.amount_gbp": ("Money available.", GBP_YEAR),
    "funding_sources.functions": (
        "Functions it may pay for; several separated by commas.",
        "function ids, comma-separated",
    ),
    "funding_sources.categories": (
        "Categories it may pay for (every function in them); comma-separated.",
        "categories, comma-separated",
    ),
    "funding_sources.ring_fenced": (
        "true: unspent money is lost; false: what is left goes to the general budget.",
        "true or false",
    ),
    "policy.min_quality_rating": ("Providers rated below this are not used.", "rating 1-5"),
    "policy.unplaced_cost_gbp": ("Fixed cost of a spot purchase for a pupil not placed.", "£"),
    "policy.unplaced_cost_per_day_gbp": ("Spot-purchase cost per day of attendance.", "£ a day"),
    "policy.budget_cap_gbp": ("Cap on spend (charges and travel); empty: no cap.", "£"),
    "policy.travel_cost_per_km_gbp": ("Travel cost per kilometre.", "£ per km"),
    "policy.max_provider_share": ("Cap on one provider's share of placements.", SHARE),
    "policy.min_average_quality": ("Least average quality rating of placements.", "rating 1-5"),
    "policy.offers_only": (
        "true: a call-off, a provider is eligible only through an offer it made; "
        "false: a pair without an offer is eligible at the list price.",
        "true or false",
    ),
    "policy.full_time_days": ("Days a week that count as full time.", "days a week"),
    "policy.unregistered_max_full_time": (
        "Full-time pupils an unregistered provider may take.",
        "pupils",
    ),
    "policy.lot_rank_cost_gbp": ("Cost of each step down a referral's list of lots.", "£"),
    "policy.move_penalty_gbp": ("Cost of moving a pupil from their current provider.", "£"),
    "policy.value_per_extra_day_gbp": (
        "For a range of days a week: the value of each day above the fewest (per week); "
        "0 places the fewest days.",
        "£ per day",
    ),
    "policy.hours_per_day": ("Hours in a day (converts an hourly price).", "hours"),
    "policy.sessions_per_day": ("Sessions in a day (converts a session price).", "sessions"),
    "policy.school_weeks_per_year": ("School weeks in a year (converts a place-year).", "weeks"),
    "providers.places": ("Places at any one time, shared by its lots; empty: no limit.", "places"),
    "providers.places_per_weekday": (
        "Pupils it takes on any one open day; empty: counted by places.",
        "pupils a day",
    ),
    "providers.open_days": ("Weekdays it is open; comma-separated.", "weekdays"),
    "providers.easting_m": ("Easting of its site.", METRES),
    "providers.northing_m": ("Northing of its site.", METRES),
    "providers.postcode": ("Instead of a grid reference: resolved by a lookup file.", "postcode"),
    "providers.online": ("Delivered online: no travel.", "true or false"),
    "providers.outreach": ("Travels to the pupil's school: no pupil travel.", "true or false"),
    "providers.outreach_radius_km": ("Outreach only: farthest it travels.", "kilometres"),
    "providers.key_stages": ("Key stages it teaches; comma-separated.", "key stages 0-5"),
    "providers.registered_school": ("Registered as a school.", "true or false"),
    "providers.quality_rating": ("Quality-assurance rating, 5 the best.", "rating 1-5"),
    "providers.needs_supported": ("Needs it supports; comma-separated.", "need ids"),
    "provider_lots.provider": ("The provider approved for the lot.", "a provider id"),
    "provider_lots.lot": ("A lot the provider is approved for.", "a lot id"),
    "provider_lots.price_gbp": ("Its quoted price, per the unit in `per`.", "£ per unit"),
    "provider_lots.per": ("The unit of the price.", "a price unit"),
    "provider_lots.places": ("Places at any one time in this lot; empty: no limit.", "places"),
    "referrals.reference": (
        "A pseudonymous reference: never a name or a unique pupil number.",
        ID,
    ),
    "referrals.lots": ("Lots that would suit the pupil; comma-separated.", "lot ids"),
    "referrals.key_stage": ("The pupil's key stage, 0 (early years) to 5.", "key stage"),
    "referrals.days_per_week": (
        "Days a week of provision; empty when days_min and days_max give a range.",
        "days a week",
    ),
    "objective.goal": (
        "A level of a lexicographic objective, first level first: placed (priority-weighted), "
        "cost, quality (average rating) or first_choice (placed in the first-choice lot).",
        "a goal",
    ),
    "objective.tolerance": ("How far later levels may move this level from its best.", "its unit"),
    "objective.relative": ("The tolerance is a share of the best value.", "true or false"),
    "referrals.days_min": ("Fewest days a week, with days_max (instead of days_per_week).", "1-5"),
    "referrals.days_max": ("Most days a week, with days_min: the plan chooses.", "1-5"),
    "referrals.start_week": ("First week of the placement.", WEEK),
    "referrals.end_week": ("Last week of the placement.", WEEK),
    "referrals.easting_m": ("Easting of the pupil's home or school.", METRES),
    "referrals.northing_m": ("Northing of the pupil's home or school.", METRES),
    "referrals.postcode": ("Instead of a grid reference: resolved by a lookup file.", "postcode"),
    "referrals.max_travel_km": ("Farthest the pupil may travel, one way.", "kilometres"),
    "referrals.ehcp": ("The pupil has an EHC plan.", "true or false"),
    "referrals.looked_after": ("The pupil is looked after.", "true or false"),
    "referrals.needs": ("The pupil's needs; comma-separated.", "need ids"),
    "referrals.current_provider": ("Where the pupil is now; empty: nowhere.", "a provider id"),
    "referrals.lock.provider": ("Keep the pupil with this provider (a lock).", "a provider id"),
    "referrals.lock.lot": ("The locked placement's lot.", "a lot id"),
    "referrals.lock.weekdays": ("The locked placement's weekdays; comma-separated.", "weekdays"),
    "referrals.priority": ("Multiplies the cost of leaving the pupil unplaced.", "1-10"),
    "offers.reference": ("The referral the offer is for.", "a referral reference"),
    "offers.provider": ("The provider making the offer.", "a provider id"),
    "offers.lot": ("The lot of the offer.", "a lot id"),
    "offers.total_cost_gbp": ("The offer's whole cost for the placement.", "£"),
    "offers.places_used": ("Places the placement takes at any one time.", "places"),
}

# columns whose values are ids from another sheet: (sheet, column of ids there)
REFERS: dict[str, tuple[str, str]] = {
    "functions.required_skill": ("staff_groups", "skills"),
    "funding_sources.functions": ("functions", "id"),
    "provider_lots.provider": ("providers", "id"),
    "provider_lots.lot": ("lots", "id"),
    "referrals.lots": ("lots", "id"),
    "referrals.current_provider": ("providers", "id"),
    "referrals.lock.provider": ("providers", "id"),
    "referrals.lock.lot": ("lots", "id"),
    "offers.reference": ("referrals", "reference"),
    "offers.provider": ("providers", "id"),
    "offers.lot": ("lots", "id"),
}


def notes_rows(kind: str) -> list[list[Any]]:
    """The notes sheet: every column of every sheet with its meaning, unit and allowed values."""
    rows: list[list[Any]] = [["sheet", "column", "meaning", "unit", "allowed values"]]
    for table in TABLES[kind]:
        for column, annotation in table_columns(table):
            key = f"{table.sheet}.{column}"
            meaning, unit = MEANING.get(key) or MEANING.get(column) or ("", "")
            rows.append([table.sheet, column, meaning, unit, allowed(table, column, annotation)])
    return rows


def table_columns(table: Table) -> list[tuple[str, Any]]:
    """A table's columns as (name, type) pairs, a child table's key column first."""
    if table.field in ("", "policy"):
        return settings_fields(table.model)
    cols = columns(table.model)
    return [(table.key, str), *cols] if table.child_of is not None else cols


def choices(annotation: Any) -> list[str] | None:
    """The values a categorical column allows (an enum, a literal, true/false), else None."""
    inner = strip_optional(annotation)
    if typing.get_origin(inner) is list:
        inner = strip_optional(typing.get_args(inner)[0])
    if isinstance(inner, type) and issubclass(inner, Enum):
        return [str(m.value) for m in inner]
    if typing.get_origin(inner) is typing.Literal:
        return [str(v) for v in typing.get_args(inner)]
    if inner is bool:
        return ["true", "false"]
    return None


def allowed(table: Table, column: str, annotation: Any) -> str:
    """In words: the listed values, the sheet ids come from, or the range of a number."""
    options = choices(annotation)
    many = typing.get_origin(strip_optional(annotation)) is list
    if options is not None:
        return ("any of " if many else "one of ") + ", ".join(options)
    refers = REFERS.get(f"{table.sheet}.{column}")
    if refers is not None:
        return f"{'ids' if many else 'an id'} from sheet {refers[0]}, column {refers[1]}"
    bounds = _bounds(table.model, column)
    if bounds:
        return bounds
    return "text" if strip_optional(annotation) is str else "see the meaning"


def _bounds(model: type[BaseModel], column: str) -> str:
    """'from 0 to 1' from the field's constraints."""
    for part in column.split(".")[:-1]:
        info = model.model_fields.get(part)
        if info is None:
            return ""
        model = strip_optional(info.annotation)
    info = model.model_fields.get(column.rsplit(".", maxsplit=1)[-1]) if _is_model(model) else None
    if info is None:
        return ""
    low = next(
        (m.ge if isinstance(m, Ge) else m.gt for m in info.metadata if isinstance(m, Ge | Gt)), None
    )
    high = next(
        (m.le if isinstance(m, Le) else m.lt for m in info.metadata if isinstance(m, Le | Lt)), None
    )
    if low is None and high is None:
        return ""
    number = "a whole number" if strip_optional(info.annotation) is int else "a number"
    if high is None:
        return f"{number}, at least {low:g}"
    return f"{number} from {low:g} to {high:g}" if low is not None else f"{number} up to {high:g}"


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
