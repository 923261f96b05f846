"""UI keys that code and templates build at run time (``t('sv_' ~ status)``,
``t(f)`` over a list of flags): marked with ``K_`` so that ``pybabel extract`` keeps them in
the catalogs. The words are in the catalogs; this module lists keys only."""

from __future__ import annotations

from . import K_

#: the assessment's unit kinds and columns ('as_' ~ kind)
ASSESSMENT = (
    K_("as_adjust"),
    K_("as_by"),
    K_("as_counted"),
    K_("as_department"),
    K_("as_district"),
    K_("as_evidence"),
)

#: how an indicator entered a unit's score ('basis_' ~ e.basis)
BASIS = (
    K_("basis_achieved"),
    K_("basis_lagging_no_ratio"),
    K_("basis_no_data_excluded"),
    K_("basis_no_data_zero"),
    K_("basis_not_scored"),
    K_("basis_on_track_no_ratio"),
    K_("basis_progress_ratio"),
    K_("basis_regressing"),
    K_("basis_stale_excluded"),
    K_("basis_stale_zero"),
)

#: flags, revision states, import outcomes and other words chosen by code
OTHER = (
    K_("break"),
    K_("changed"),
    K_("down"),
    K_("estimated"),
    K_("final"),
    K_("headline"),
    K_("imputed"),
    K_("kind_target"),
    K_("late_report"),
    K_("lenses"),
    K_("missing_report"),
    K_("nature_summary_lagging"),
    K_("new"),
    K_("not_scored"),
    K_("projected_to"),
    K_("provisional"),
    K_("reason"),
    K_("rejected"),
    K_("returned_data"),
    K_("rows"),
    K_("schedule_held"),
    K_("score_meaning"),
    K_("scored_with_data"),
    K_("skipped"),
    K_("submitted"),
    K_("superseded"),
    K_("target_year"),
    K_("thresholds"),
    K_("trend"),
    K_("unchanged"),
    K_("uncommented"),
    K_("up"),
)

#: the notes of a unit's score ('note_' ~ note)
NOTES = (
    K_("note_adjustment_limit"),
    K_("note_cap_deductions"),
    K_("note_cap_late_report"),
    K_("note_cap_missing_report"),
    K_("note_cap_returned_data"),
    K_("note_no_indicator_data"),
    K_("note_no_indicators"),
    K_("note_total_clipped"),
    K_("note_unknown_event_kind"),
)

#: supervision statuses, period kinds and ratings ('sv_' ~ s)
SUPERVISION = (
    K_("sv_amber"),
    K_("sv_annual"),
    K_("sv_green"),
    K_("sv_half"),
    K_("sv_kind_deadline"),
    K_("sv_kind_report"),
    K_("sv_month"),
    K_("sv_outcome_done_late"),
    K_("sv_outcome_done_on_time"),
    K_("sv_outcome_not_done"),
    K_("sv_outcome_open"),
    K_("sv_quarter"),
    K_("sv_ratings"),
    K_("sv_red"),
    K_("sv_scale"),
    # the indicator page: measure, attainment method and status set by their codes
    K_("measure_growth"),
    K_("measure_change"),
    K_("measure_level"),
    K_("attainment_method_ratio"),
    K_("attainment_method_distance"),
    K_("attainment_method_met"),
    K_("attainment_method_goalposts"),
    K_("error_403_text"),
    K_("error_404_text"),
    K_("status_set_time_half"),
    K_("status_set_sdr"),
    K_("status_set_eurostat"),
)
