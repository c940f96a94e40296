// :calendar (OTP 25) for the proleptic Gregorian calendar, and :erlang's universaltime/0,
// localtime/0, date/0 and time/0, on the virtual system time (builtins.h); the local time zone
// is UTC. Dates are {y, m, d}, times {h, m, s}; day 0 is 0000-01-01, as calendar.erl counts.
// Invalid input raises FunctionClauseError as calendar.erl's guards do. Not provided: the
// RFC 3339 functions and local/universal conversions with DST.
#include "engine/script/builtins.h"
#include "engine/script/stdlib/errors.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

constexpr int64_t kDaysTo1970 = 719528;  // 0000-01-01 .. 1970-01-01
constexpr int64_t kSecondsPerDay = 86400;

struct Date {
    int64_t y, m, d;
};

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool leap_year(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t last_day(int64_t y, int64_t m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return kDays[m - 1] + (m == 2 && leap_year(y) ? 1 : 0);
}

bool valid(int64_t y, int64_t m, int64_t d) {
    return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= last_day(y, m);
}

// days since 0000-01-01 (eras of 400 years counted from March 1st)
int64_t to_days(Date date) {
    int64_t y = date.m <= 2 ? date.y - 1 : date.y;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = date.m > 2 ? date.m - 3 : date.m + 9;
    int64_t doy = (153 * mp + 2) / 5 + date.d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe + 60;
}

Date from_days(int64_t days) {
    int64_t z = days - 60;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400;
    return {m <= 2 ? y + 1 : y, m, d};
}

int64_t day_of_week(int64_t days) {  // 1 = Monday; 0000-01-01 was a Saturday
    return ((days + 5) % 7 + 7) % 7 + 1;
}

Term date_term(Date d) {
    return Term::tuple({Term::integer(d.y), Term::integer(d.m), Term::integer(d.d)});
}

Term time_term(int64_t seconds) {
    return Term::tuple({Term::integer(seconds / 3600), Term::integer(seconds / 60 % 60),
                        Term::integer(seconds % 60)});
}

Term datetime_term(int64_t gregorian_seconds) {
    int64_t days = floor_div(gregorian_seconds, kSecondsPerDay);
    return Term::tuple(
        {date_term(from_days(days)), time_term(gregorian_seconds - days * kSecondsPerDay)});
}

[[noreturn]] void clause(std::string_view function, int arity) {
    raise_function_clause(":calendar", function, arity);
}

bool int_of(const Term& t, int64_t& out) {
    if (!t.is_integer()) return false;
    out = t.as_integer();
    return true;
}

// {y, m, d} or three integer arguments, validated
Date date_args(Args a, std::string_view function, bool must_be_valid = true) {
    int arity = static_cast<int>(a.size());
    Date d{};
    bool ok = false;
    if (a.size() == 3) {
        ok = int_of(a[0], d.y) && int_of(a[1], d.m) && int_of(a[2], d.d);
    } else if (a[0].is_tuple() && a[0].tuple_size() == 3) {
        ok = int_of(a[0].element(0), d.y) && int_of(a[0].element(1), d.m) &&
             int_of(a[0].element(2), d.d);
    }
    if (!ok) clause(function, arity);
    if (must_be_valid) {
        // calendar.erl's own failures: a month out of range fails in last_day_of_the_month1/2,
        // a day out of range in an `if` without a true branch
        if (d.y < 0 || d.m < 1 || d.m > 12) clause("last_day_of_the_month1", 2);
        if (d.d < 1 || d.d > last_day(d.y, d.m)) raise_term(Term::atom("if_clause"));
    }
    return d;
}

int64_t time_seconds(const Term& t, std::string_view function, int arity) {
    int64_t h, m, s;
    if (!t.is_tuple() || t.tuple_size() != 3 || !int_of(t.element(0), h) ||
        !int_of(t.element(1), m) || !int_of(t.element(2), s))
        clause(function, arity);
    return h * 3600 + m * 60 + s;
}

int64_t now_seconds(ProcessContext& c) {
    return floor_div(virtual_system_time_us(c), 1000000) + kDaysTo1970 * kSecondsPerDay;
}

Term is_leap_year(ProcessContext&, Args a) {
    int64_t y;
    if (!int_of(a[0], y)) clause("is_leap_year", 1);
    return Term::boolean(leap_year(y));
}

Term last_day_of_the_month(ProcessContext&, Args a) {
    int64_t y, m;
    if (!int_of(a[0], y) || !int_of(a[1], m)) clause("last_day_of_the_month", 2);
    if (y < 0 || m < 1 || m > 12) clause("last_day_of_the_month1", 2);
    return Term::integer(last_day(y, m));
}

Term valid_date(ProcessContext&, Args a) {
    Date d = date_args(a, "valid_date", false);
    return Term::boolean(valid(d.y, d.m, d.d));
}

Term day_of_the_week(ProcessContext&, Args a) {
    return Term::integer(day_of_week(to_days(date_args(a, "day_of_the_week"))));
}

Term date_to_gregorian_days(ProcessContext&, Args a) {
    return Term::integer(to_days(date_args(a, "date_to_gregorian_days")));
}

Term gregorian_days_to_date(ProcessContext&, Args a) {
    int64_t days;
    if (!int_of(a[0], days)) clause("gregorian_days_to_date", 1);
    if (days < 0) clause("day_to_year", 1);
    return date_term(from_days(days));
}

Term datetime_to_gregorian_seconds(ProcessContext&, Args a) {
    const Term& dt = a[0];
    if (!dt.is_tuple() || dt.tuple_size() != 2) clause("datetime_to_gregorian_seconds", 1);
    Term date = dt.element(0);
    Date d = date_args(Args(&date, 1), "datetime_to_gregorian_seconds");
    return Term::integer(to_days(d) * kSecondsPerDay +
                         time_seconds(dt.element(1), "datetime_to_gregorian_seconds", 1));
}

Term gregorian_seconds_to_datetime(ProcessContext&, Args a) {
    int64_t secs;
    if (!int_of(a[0], secs) || secs < 0) clause("gregorian_seconds_to_datetime", 1);
    return datetime_term(secs);
}

Term seconds_to_time(ProcessContext&, Args a) {
    int64_t secs;
    if (!int_of(a[0], secs) || secs < 0 || secs >= kSecondsPerDay) clause("seconds_to_time", 1);
    return time_term(secs);
}

Term time_to_seconds(ProcessContext&, Args a) {
    return Term::integer(time_seconds(a[0], "time_to_seconds", 1));
}

Term seconds_to_daystime(ProcessContext&, Args a) {
    int64_t secs;
    if (!int_of(a[0], secs)) clause("seconds_to_daystime", 1);
    int64_t days = floor_div(secs, kSecondsPerDay);
    return Term::tuple({Term::integer(days), time_term(secs - days * kSecondsPerDay)});
}

Term iso_week_number(ProcessContext&, Args a) {
    int64_t days = to_days(date_args(a, "iso_week_number"));
    // the week belongs to the year of its Thursday
    int64_t thursday = days + 4 - day_of_week(days);
    Date t = from_days(thursday);
    int64_t week = (thursday - to_days({t.y, 1, 1})) / 7 + 1;
    return Term::tuple({Term::integer(t.y), Term::integer(week)});
}

Term now_to_datetime(ProcessContext&, Args a) {
    const Term& now = a[0];
    int64_t mega, sec, micro;
    if (!now.is_tuple() || now.tuple_size() != 3 || !int_of(now.element(0), mega) ||
        !int_of(now.element(1), sec) || !int_of(now.element(2), micro))
        clause("now_to_datetime", 1);
    return datetime_term(mega * 1000000 + sec + kDaysTo1970 * kSecondsPerDay);
}

Term universal_time(ProcessContext& c, Args) {
    return datetime_term(now_seconds(c));
}

Term erlang_date(ProcessContext& c, Args) {
    return date_term(from_days(floor_div(now_seconds(c), kSecondsPerDay)));
}

Term erlang_time(ProcessContext& c, Args) {
    int64_t s = now_seconds(c);
    return time_term(s - floor_div(s, kSecondsPerDay) * kSecondsPerDay);
}

}  // namespace

void register_calendar_erl(BuiltinTable& t) {
    const char* C = "calendar";
    t.add(C, "is_leap_year", 1, is_leap_year);
    t.add(C, "last_day_of_the_month", 2, last_day_of_the_month);
    t.add(C, "valid_date", 1, valid_date);
    t.add(C, "valid_date", 3, valid_date);
    t.add(C, "day_of_the_week", 1, day_of_the_week);
    t.add(C, "day_of_the_week", 3, day_of_the_week);
    t.add(C, "date_to_gregorian_days", 1, date_to_gregorian_days);
    t.add(C, "date_to_gregorian_days", 3, date_to_gregorian_days);
    t.add(C, "gregorian_days_to_date", 1, gregorian_days_to_date);
    t.add(C, "datetime_to_gregorian_seconds", 1, datetime_to_gregorian_seconds);
    t.add(C, "gregorian_seconds_to_datetime", 1, gregorian_seconds_to_datetime);
    t.add(C, "seconds_to_time", 1, seconds_to_time);
    t.add(C, "time_to_seconds", 1, time_to_seconds);
    t.add(C, "seconds_to_daystime", 1, seconds_to_daystime);
    t.add(C, "iso_week_number", 1, iso_week_number);
    t.add(C, "now_to_datetime", 1, now_to_datetime);
    t.add(C, "now_to_universal_time", 1, now_to_datetime);
    t.add(C, "now_to_local_time", 1, now_to_datetime);
    t.add(C, "universal_time", 0, universal_time);
    t.add(C, "local_time", 0, universal_time);
    const char* E = "erlang";
    t.add(E, "universaltime", 0, universal_time);
    t.add(E, "localtime", 0, universal_time);
    t.add(E, "date", 0, erlang_date);
    t.add(E, "time", 0, erlang_time);
}

}  // namespace tasklens::script::stdlib
