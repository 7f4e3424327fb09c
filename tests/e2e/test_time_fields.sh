#!/usr/bin/env bash
# Every time field is read by the one phrase reader, at check time exactly as at run time
# (issue 10): max_gap = "årligt" evaluates, deadline = "løbende" is caught by qm check, a
# year-less phrase with more words is "not evaluable" and never stops the model, `every`
# reads "2 gange årligt fra 2009" as a plan's time does, a period that has not started is
# not used, and "more than half a year" / "a year" are calendar months.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T_TMP/m"
json() { python3 -c "import json,sys; d=json.load(open('$T_OUT')); s={i['id']:i for i in d['indicators']}; $1" || t_fail "check failed: $1"; }

cat >"$T_TMP/m/times.lua" <<'LUA'
local function rows(list) return function() return list end end
return model "times" {
  as_of = "2016-10-15",
  theme "t" {
    indicator "gap_yearly" { type = "max_gap", max_gap = "årligt", window = "fra 2014 til udgangen af 2016",
      data = rows { { date = "2014-03-01" }, { date = "2015-02-20" }, { date = "2016-02-10" } } },
    indicator "gap_yearly_late" { type = "max_gap", max_gap = "årligt", window = "fra 2014 til udgangen af 2016",
      data = rows { { date = "2014-03-01" }, { date = "2015-03-02" } } },
    indicator "no_year_words" { deadline = "endeligt formuleret i september", data = rows { { unit_id = "a", done = "2016-09-01" } } },
    indicator "twice_from_2009" { type = "frequency", every = "2 gange årligt fra 2015",
      data = rows { { date = "2015-03-01" }, { date = "2015-09-01" }, { date = "2016-02-01" }, { date = "2016-06-01" } } },
    indicator "direction" { type = "direction", direction = "increase",
      data = rows { { period = "2015", value = 10 }, { period = "2016", value = 12 }, { period = "2017", value = 5 } } },
  },
}
LUA

t_case check_reads_every_time_field_as_the_run_does
t_run check "$T_TMP/m/times.lua"
expect_exit 0
expect_stdout_has 'warning: indicator "no_year_words": deadline "endeligt formuleret i september" has no year: it will be not evaluable'
expect_stdout_lacks 'gap_yearly'

t_case max_gap_arligt_evaluates_and_a_yearless_deadline_is_not_evaluable
t_run run "$T_TMP/m/times.lua" --report status --format json
expect_exit 0
json "assert s['gap_yearly']['status']=='on track', s['gap_yearly']"
json "assert s['gap_yearly_late']['status']=='not achieved', s['gap_yearly_late']"
json "assert s['no_year_words']['status']=='not evaluable' and 'no year' in s['no_year_words']['reason'], s['no_year_words']"

t_case every_reads_a_recurrence_with_a_start_like_a_plan_time
json "assert s['twice_from_2009']['status']=='on track', s['twice_from_2009']"

t_case a_period_that_has_not_started_is_not_used
# as of 2016-10-15 the 2017 value is not in yet: 10 -> 12 is the change (was 10 -> 5)
json "assert s['direction']['status']=='achieved' and s['direction']['value']==12, s['direction']"

t_case a_deadline_that_is_a_recurrence_is_an_error_at_check_and_never_a_crash
cat >"$T_TMP/m/bad.lua" <<'LUA'
return model "bad" {
  theme "t" {
    indicator "ongoing" { deadline = "løbende", data = function() return { { unit_id = "a", done = "2016-01-01" } } end },
    indicator "gap_count" { type = "max_gap", max_gap = "2 gange årligt", data = function() return {} end },
    indicator "gap_words" { type = "frequency", every = "hver anden måned", window = "2016", data = function() return {} end },
  },
}
LUA
t_run check "$T_TMP/m/bad.lua"
expect_exit 1
expect_stdout_has 'bad.lua:3: error: indicator "ongoing": deadline: "løbende" is a recurrence, not a deadline'
expect_stdout_has 'bad.lua:4: error: indicator "gap_count": max_gap: "2 gange årligt" is a count per period, not a longest gap'
expect_stdout_has 'bad.lua:5: error: indicator "gap_words": every: "hver anden måned" has no count per period'
t_run run "$T_TMP/m/bad.lua" --format json --as-of 2016-10-15
expect_no_crash
expect_exit 1
expect_stderr_lacks "stdlib/"
# the run reads the phrases as qm check does: the same messages, and nothing runs
expect_stderr_has 'bad.lua:3: error: indicator "ongoing": deadline: "løbende" is a recurrence, not a deadline'
expect_stderr_has 'bad.lua:4: error: indicator "gap_count": max_gap: "2 gange årligt" is a count per period, not a longest gap'
expect_stderr_has "3 errors in the model: nothing was run"
[ -s "$T_OUT" ] && t_fail "a run with errors in its time fields wrote output"

t_case more_than_half_a_year_and_a_year_are_calendar_months
cat >"$T_TMP/m/cal.lua" <<'LUA'
local time = require "qm.time"
local function before(as_of, phrase) return tostring(time.longer_than(as_of, time.read(phrase, "gap").max_gap)) end
-- exactly six calendar months is not more than half a year (183 days counted it as more)
assert(before("2017-01-15", "et halvt år") == "2016-07-15", before("2017-01-15", "et halvt år"))
-- a year across 29 February: 2015-03-01 to 2016-03-01 is 366 days, and exactly a year
assert(before("2016-03-01", "et år") == "2015-03-01", before("2016-03-01", "et år"))
-- the end of a month: 2016-02-29 + 6 months = 2016-08-29, so on 2016-08-31 it is more
assert(before("2016-08-31", "et halvt år") == "2016-03-01", before("2016-08-31", "et halvt år"))
assert(tostring(time.after("2016-02-29", { 1, "year" })) == "2017-02-28")
print("calendar ok")
LUA
t_run run "$T_TMP/m/cal.lua"
expect_exit 0
expect_stdout_has "calendar ok"

t_case a_max_gap_of_half_a_year_or_a_year_is_counted_in_calendar_months
# 2016-07-01 to 2017-01-01 is 184 days and exactly six months; 2015-03-01 to 2016-03-01 is
# 366 days and exactly a year (183 and 365 days counted both as too long)
cat >"$T_TMP/m/gaps.lua" <<'LUA'
local function rows(list) return function() return list end end
return model "gaps" {
  as_of = "2017-02-01",
  theme "t" {
    indicator "half_exact" { type = "max_gap", max_gap = "hvert ½ år", window = "fra 2. halvår 2016 til udgangen af 2017",
      data = rows { { date = "2016-07-01" }, { date = "2017-01-01" } } },
    indicator "half_one_day_more" { type = "max_gap", max_gap = "hvert ½ år", window = "fra 2. halvår 2016 til udgangen af 2017",
      data = rows { { date = "2016-07-01" }, { date = "2017-01-02" } } },
    indicator "year_over_29_feb" { type = "max_gap", max_gap = "årligt", window = "fra 2015 til udgangen af 2016",
      data = rows { { date = "2015-01-01" }, { date = "2015-03-01" }, { date = "2016-03-01" }, { date = "2016-12-01" } } },
    indicator "year_one_day_more" { type = "max_gap", max_gap = "årligt", window = "fra 2015 til udgangen af 2016",
      data = rows { { date = "2015-01-01" }, { date = "2015-03-01" }, { date = "2016-03-02" }, { date = "2016-12-01" } } },
  },
}
LUA
t_run run "$T_TMP/m/gaps.lua" --report status --format json
expect_exit 0
json "assert s['half_exact']['status']=='on track', s['half_exact']"
json "assert s['half_one_day_more']['status']=='not achieved', s['half_one_day_more']"
json "assert s['year_over_29_feb']['status']=='achieved', s['year_over_29_feb']"
json "assert s['year_one_day_more']['status']=='not achieved', s['year_one_day_more']"

t_done
