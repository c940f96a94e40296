# Prelude: dates and times in the ISO calendar, as Elixir 1.14 has them: Date, Date.Range, Time,
# NaiveDateTime, DateTime (the "Etc/UTC" time zone only: Elixir's default time zone database
# knows no other) and Calendar.strftime/2,3. The structs have Elixir's fields; ~D ~T ~N ~U
# literals are built by the parser, and inspect/to_string render these structs natively
# (engine/runtime/inspect.cpp). The clock is the virtual one (System.system_time).
#
# Day numbers are "ISO days" as Elixir counts them: 0 is 0000-01-01 (Date.to_gregorian_days/1).

defmodule Tasklens.Calendar do
  @moduledoc false
  @unix_epoch_days 719_528
  @micro_per_day 86_400_000_000

  def leap_year?(y), do: rem(y, 4) == 0 and (rem(y, 100) != 0 or rem(y, 400) == 0)

  def days_in_month(y, 2), do: if(leap_year?(y), do: 29, else: 28)
  def days_in_month(_y, m) when m in [4, 6, 9, 11], do: 30
  def days_in_month(_y, _m), do: 31

  def valid_date?(y, m, d) do
    is_integer(y) and is_integer(m) and is_integer(d) and y >= -9999 and y <= 9999 and m >= 1 and
      m <= 12 and d >= 1 and d <= days_in_month(y, m)
  end

  def valid_time?(h, mi, s, {us, p}) do
    is_integer(h) and is_integer(mi) and is_integer(s) and h >= 0 and h <= 23 and mi >= 0 and
      mi <= 59 and s >= 0 and s <= 59 and is_integer(us) and us >= 0 and us <= 999_999 and
      is_integer(p) and p >= 0 and p <= 6
  end

  def valid_time?(_h, _mi, _s, _us), do: false

  # Days since 0000-01-01 of a proleptic Gregorian date (an era is 400 years, 146,097 days,
  # counted from March 1st so that the leap day ends the year).
  def to_days(y, m, d) do
    y = if m <= 2, do: y - 1, else: y
    era = Integer.floor_div(y, 400)
    yoe = y - era * 400
    mp = if m > 2, do: m - 3, else: m + 9
    doy = div(153 * mp + 2, 5) + d - 1
    doe = yoe * 365 + div(yoe, 4) - div(yoe, 100) + doy
    era * 146_097 + doe + 60
  end

  def from_days(days) do
    z = days - 60
    era = Integer.floor_div(z, 146_097)
    doe = z - era * 146_097
    yoe = div(doe - div(doe, 1460) + div(doe, 36524) - div(doe, 146_096), 365)
    doy = doe - (365 * yoe + div(yoe, 4) - div(yoe, 100))
    mp = div(5 * doy + 2, 153)
    d = doy - div(153 * mp + 2, 5) + 1
    m = if mp < 10, do: mp + 3, else: mp - 9
    y = yoe + era * 400
    {if(m <= 2, do: y + 1, else: y), m, d}
  end

  # 1 is Monday, as Elixir's :default; 0000-01-01 was a Saturday.
  def day_of_week(days), do: Integer.mod(days + 5, 7) + 1

  def day_of_week(days, :default), do: day_of_week(days)

  def day_of_week(days, starting_on) do
    start =
      case starting_on do
        :monday -> 1
        :tuesday -> 2
        :wednesday -> 3
        :thursday -> 4
        :friday -> 5
        :saturday -> 6
        :sunday -> 7
      end

    Integer.mod(day_of_week(days) - start, 7) + 1
  end

  def date_days(%{year: y, month: m, day: d}), do: to_days(y, m, d)

  def time_micro(%{hour: h, minute: mi, second: s, microsecond: {us, _}}) do
    ((h * 60 + mi) * 60 + s) * 1_000_000 + us
  end

  def micro_to_time(micro) do
    s = div(micro, 1_000_000)
    {div(s, 3600), rem(div(s, 60), 60), rem(s, 60), rem(micro, 1_000_000)}
  end

  # microseconds since 0000-01-01T00:00:00 of a naive (or UTC) date-time
  def naive_micro(dt), do: date_days(dt) * @micro_per_day + time_micro(dt)

  def unit_factor(:second), do: 1_000_000
  def unit_factor(:millisecond), do: 1_000
  def unit_factor(:microsecond), do: 1
  def unit_factor(:nanosecond), do: {:nano, 1000}
  def unit_factor(n) when is_integer(n) and n > 0, do: {:per_second, n}

  def unit_factor(other) do
    raise ArgumentError,
          "unsupported time unit. Expected :day, :hour, :minute, :second, :millisecond, :microsecond, :nanosecond, or a positive integer, got #{inspect(other)}"
  end

  # An amount of `unit` as microseconds (rounded down, as System.convert_time_unit/3 does).
  def to_micro(amount, unit) do
    case unit_factor(unit) do
      {:nano, k} -> Integer.floor_div(amount, k)
      {:per_second, n} -> Integer.floor_div(amount * 1_000_000, n)
      f -> amount * f
    end
  end

  def from_micro(micro, unit) do
    case unit_factor(unit) do
      {:nano, k} -> micro * k
      {:per_second, n} -> Integer.floor_div(micro * n, 1_000_000)
      f -> Integer.floor_div(micro, f)
    end
  end

  def unit_precision(:second), do: 0
  def unit_precision(:millisecond), do: 3
  def unit_precision(:microsecond), do: 6
  def unit_precision(:nanosecond), do: 6
  def unit_precision(n) when is_integer(n), do: min(6, max(0, ceil_log10(n)))

  defp ceil_log10(n, p \\ 0, acc \\ 1)
  defp ceil_log10(n, p, acc) when acc >= n, do: p
  defp ceil_log10(n, p, acc), do: ceil_log10(n, p + 1, acc * 10)

  # diff of two instants in a unit: each is converted (rounding down) before subtracting,
  # as Calendar.ISO.iso_days_to_unit/2 does
  def diff_micro(a, b, :day), do: div(diff_micro(a, b, :second), 86400)
  def diff_micro(a, b, :hour), do: div(diff_micro(a, b, :second), 3600)
  def diff_micro(a, b, :minute), do: div(diff_micro(a, b, :second), 60)
  def diff_micro(a, b, unit), do: from_micro(a, unit) - from_micro(b, unit)

  def add_amount(amount, :day), do: amount * @micro_per_day
  def add_amount(amount, :hour), do: amount * 3_600_000_000
  def add_amount(amount, :minute), do: amount * 60_000_000
  def add_amount(amount, unit), do: to_micro(amount, unit)

  def naive_from_micro(micro, precision) do
    days = Integer.floor_div(micro, @micro_per_day)
    {y, m, d} = from_days(days)
    {h, mi, s, us} = micro_to_time(micro - days * @micro_per_day)
    %{year: y, month: m, day: d, hour: h, minute: mi, second: s, microsecond: {us, precision}}
  end

  def unix_epoch_days(), do: @unix_epoch_days

  def truncate_micro({us, p}, :microsecond), do: {us, p}
  def truncate_micro({us, p}, :millisecond), do: {div(us, 1000) * 1000, min(p, 3)}
  def truncate_micro({_us, _p}, :second), do: {0, 0}

  def compare_int(a, b) when a < b, do: :lt
  def compare_int(a, b) when a > b, do: :gt
  def compare_int(_a, _b), do: :eq

  # ---- ISO 8601 parsing
  def parse_date(<<y::binary-size(4), ?-, m::binary-size(2), ?-, d::binary-size(2), rest::binary>>) do
    with {:ok, y} <- digits(y), {:ok, m} <- digits(m), {:ok, d} <- digits(d) do
      {:ok, {y, m, d}, rest}
    end
  end

  def parse_date(_), do: {:error, :invalid_format}

  def parse_time(<<h::binary-size(2), ?:, mi::binary-size(2), ?:, s::binary-size(2), rest::binary>>) do
    with {:ok, h} <- digits(h), {:ok, mi} <- digits(mi), {:ok, s} <- digits(s) do
      {us, rest} = parse_fraction(rest)
      {:ok, {h, mi, s, us}, rest}
    end
  end

  def parse_time(_), do: {:error, :invalid_format}

  defp parse_fraction(<<sep, rest::binary>>) when sep in [?., ?,] do
    {ds, rest} = take_digits(rest, "")

    if ds == "" do
      {{0, 0}, <<sep, rest::binary>>}
    else
      p = min(byte_size(ds), 6)
      us = String.to_integer(String.pad_trailing(binary_part(ds, 0, p), 6, "0"))
      {{us, p}, rest}
    end
  end

  defp parse_fraction(rest), do: {{0, 0}, rest}

  defp take_digits(<<c, rest::binary>>, acc) when c in ?0..?9, do: take_digits(rest, <<acc::binary, c>>)
  defp take_digits(rest, acc), do: {acc, rest}

  # "" (none), "Z", "+hh:mm", "+hhmm", "+hh"
  def parse_offset(""), do: {:ok, nil}
  def parse_offset("Z"), do: {:ok, 0}

  def parse_offset(<<sign, h::binary-size(2), rest::binary>>) when sign in [?+, ?-] do
    m =
      case rest do
        "" -> "00"
        <<?:, m::binary-size(2)>> -> m
        <<m::binary-size(2)>> -> m
        _ -> "x"
      end

    with {:ok, h} <- digits(h), {:ok, m} <- digits(m) do
      if h > 23 or m > 59 or (sign == ?- and h == 0 and m == 0) do
        {:error, :invalid_format}
      else
        offset = (h * 60 + m) * 60
        {:ok, if(sign == ?-, do: -offset, else: offset)}
      end
    end
  end

  def parse_offset(_), do: {:error, :invalid_format}

  defp digits(s) do
    if s != "" and String.match?(s, ~r/^[0-9]+$/), do: {:ok, String.to_integer(s)}, else: {:error, :invalid_format}
  end

  def now_micro(), do: System.system_time(:microsecond)
end

defmodule Calendar.ISO do
  def leap_year?(year) when is_integer(year), do: Tasklens.Calendar.leap_year?(year)
  def days_in_month(year, month), do: Tasklens.Calendar.days_in_month(year, month)
  def valid_date?(y, m, d), do: Tasklens.Calendar.valid_date?(y, m, d)
  def valid_time?(h, m, s, us), do: Tasklens.Calendar.valid_time?(h, m, s, us)
  def months_in_year(_year), do: 12

  def day_of_week(year, month, day, starting_on) do
    {Tasklens.Calendar.day_of_week(Tasklens.Calendar.to_days(year, month, day), starting_on), 1, 7}
  end

  def day_of_year(year, month, day) do
    Tasklens.Calendar.to_days(year, month, day) - Tasklens.Calendar.to_days(year, 1, 1) + 1
  end

  def quarter_of_year(_year, month, _day), do: div(month - 1, 3) + 1
  def year_of_era(year) when year > 0, do: {year, 1}
  def year_of_era(year), do: {abs(year) + 1, 0}
end

defmodule Date do
  defstruct [:year, :month, :day, calendar: Calendar.ISO]

  def new(year, month, day, calendar \\ Calendar.ISO) do
    if Tasklens.Calendar.valid_date?(year, month, day) do
      {:ok, %Date{year: year, month: month, day: day, calendar: calendar}}
    else
      {:error, :invalid_date}
    end
  end

  def new!(year, month, day, calendar \\ Calendar.ISO) do
    case new(year, month, day, calendar) do
      {:ok, date} -> date
      {:error, reason} -> raise ArgumentError, "cannot build date, reason: #{inspect(reason)}"
    end
  end

  def utc_today(calendar \\ Calendar.ISO) do
    days = Integer.floor_div(Tasklens.Calendar.now_micro(), 86_400_000_000) + Tasklens.Calendar.unix_epoch_days()
    from_gregorian_days(days, calendar)
  end

  def to_gregorian_days(date), do: Tasklens.Calendar.date_days(date)

  def from_gregorian_days(days, calendar \\ Calendar.ISO) when is_integer(days) do
    {y, m, d} = Tasklens.Calendar.from_days(days)
    %Date{year: y, month: m, day: d, calendar: calendar}
  end

  def leap_year?(%{year: y}), do: Tasklens.Calendar.leap_year?(y)
  def days_in_month(%{year: y, month: m}), do: Tasklens.Calendar.days_in_month(y, m)
  def months_in_year(_date), do: 12

  def add(%{calendar: cal} = date, days) when is_integer(days) do
    from_gregorian_days(to_gregorian_days(date) + days, cal)
  end

  def diff(%{} = a, %{} = b), do: to_gregorian_days(a) - to_gregorian_days(b)

  def compare(%{} = a, %{} = b) do
    Tasklens.Calendar.compare_int(to_gregorian_days(a), to_gregorian_days(b))
  end


  def day_of_week(date, starting_on \\ :default) do
    Tasklens.Calendar.day_of_week(to_gregorian_days(date), starting_on)
  end

  def day_of_year(%{year: y} = date), do: to_gregorian_days(date) - Tasklens.Calendar.to_days(y, 1, 1) + 1
  def quarter_of_year(%{month: m}), do: div(m - 1, 3) + 1
  def year_of_era(%{year: y}) when y > 0, do: {y, 1}
  def year_of_era(%{year: y}), do: {1 - y, 0}
  def day_of_era(%{year: y} = date) when y > 0, do: {to_gregorian_days(date) + 1, 1}
  def day_of_era(date), do: {-to_gregorian_days(date), 0}

  def beginning_of_month(%{calendar: cal, year: y, month: m}), do: %Date{year: y, month: m, day: 1, calendar: cal}

  def end_of_month(%{calendar: cal, year: y, month: m}) do
    %Date{year: y, month: m, day: Tasklens.Calendar.days_in_month(y, m), calendar: cal}
  end

  def beginning_of_week(date, starting_on \\ :default) do
    date = to_date(date)
    add(date, 1 - day_of_week(date, starting_on))
  end

  def end_of_week(date, starting_on \\ :default) do
    date = to_date(date)
    add(date, 7 - day_of_week(date, starting_on))
  end

  defp to_date(%{calendar: cal, year: y, month: m, day: d}), do: %Date{year: y, month: m, day: d, calendar: cal}

  def range(%{calendar: cal} = first, %{calendar: cal} = last) do
    step = if to_gregorian_days(first) <= to_gregorian_days(last), do: 1, else: -1
    range(first, last, step)
  end

  def range(%{calendar: cal} = first, %{calendar: cal} = last, step) when is_integer(step) and step != 0 do
    %Date.Range{
      first: to_date(first),
      last: to_date(last),
      first_in_iso_days: to_gregorian_days(first),
      last_in_iso_days: to_gregorian_days(last),
      step: step
    }
  end

  def range(first, last, step) do
    raise ArgumentError,
          "both dates must have matching calendar and the step must be a non-zero integer, got: #{inspect(first)}, #{inspect(last)}, #{step}"
  end

  def to_erl(%{year: y, month: m, day: d}), do: {y, m, d}

  def from_erl({y, m, d}, calendar \\ Calendar.ISO), do: new(y, m, d, calendar)

  def from_erl!(erl, calendar \\ Calendar.ISO) do
    case from_erl(erl, calendar) do
      {:ok, date} -> date
      {:error, reason} -> raise ArgumentError, "cannot convert #{inspect(erl)} to date, reason: #{inspect(reason)}"
    end
  end

  def from_iso8601(string, calendar \\ Calendar.ISO) do
    case Tasklens.Calendar.parse_date(string) do
      {:ok, {y, m, d}, ""} -> new(y, m, d, calendar)
      {:ok, _, _} -> {:error, :invalid_format}
      error -> error
    end
  end

  def from_iso8601!(string, calendar \\ Calendar.ISO) do
    case from_iso8601(string, calendar) do
      {:ok, date} -> date
      {:error, reason} -> raise ArgumentError, "cannot parse #{inspect(string)} as date, reason: #{inspect(reason)}"
    end
  end

  def to_iso8601(date, format \\ :extended)
  def to_iso8601(date, :extended), do: Kernel.to_string(to_date(date))
  def to_iso8601(date, :basic), do: String.replace(Kernel.to_string(to_date(date)), "-", "")

  def to_string(date), do: Kernel.to_string(to_date(date))
end

defmodule Date.Range do
  defstruct [:first, :last, :first_in_iso_days, :last_in_iso_days, :step]

  def __reduce__(%Date.Range{first_in_iso_days: a, last_in_iso_days: b, step: step, first: %{calendar: cal}}, acc, fun) do
    reduce(a, b, step, cal, acc, fun)
  end

  defp reduce(_a, _b, _step, _cal, {:halt, acc}, _fun), do: {:halted, acc}

  defp reduce(a, b, step, cal, {:suspend, acc}, fun) do
    {:suspended, acc, fn next -> reduce(a, b, step, cal, next, fun) end}
  end

  defp reduce(a, b, step, cal, {:cont, acc}, fun) do
    if (step > 0 and a > b) or (step < 0 and a < b) do
      {:done, acc}
    else
      reduce(a + step, b, step, cal, fun.(Date.from_gregorian_days(a, cal), acc), fun)
    end
  end

  def __count__(%Date.Range{first_in_iso_days: a, last_in_iso_days: b, step: step}) do
    if (step > 0 and a > b) or (step < 0 and a < b), do: 0, else: div(b - a, step) + 1
  end

  def __member__(%Date.Range{first_in_iso_days: a, last_in_iso_days: b, step: step}, %{year: _, month: _, day: _} = date) do
    d = Date.to_gregorian_days(date)

    cond do
      step > 0 -> d >= a and d <= b and rem(d - a, step) == 0
      true -> d <= a and d >= b and rem(a - d, -step) == 0
    end
  end

  def __member__(_range, _other), do: false
end

defmodule Time do
  defstruct [:hour, :minute, :second, microsecond: {0, 0}, calendar: Calendar.ISO]

  def new(hour, minute, second, microsecond \\ {0, 0}, calendar \\ Calendar.ISO)

  def new(hour, minute, second, microsecond, calendar) when is_integer(microsecond) do
    new(hour, minute, second, {microsecond, 6}, calendar)
  end

  def new(hour, minute, second, microsecond, calendar) do
    if Tasklens.Calendar.valid_time?(hour, minute, second, microsecond) do
      {:ok, %Time{hour: hour, minute: minute, second: second, microsecond: microsecond, calendar: calendar}}
    else
      {:error, :invalid_time}
    end
  end

  def new!(hour, minute, second, microsecond \\ {0, 0}, calendar \\ Calendar.ISO) do
    case new(hour, minute, second, microsecond, calendar) do
      {:ok, time} -> time
      {:error, reason} -> raise ArgumentError, "cannot build time, reason: #{inspect(reason)}"
    end
  end

  def utc_now(calendar \\ Calendar.ISO) do
    micro = Integer.mod(Tasklens.Calendar.now_micro(), 86_400_000_000)
    {h, mi, s, us} = Tasklens.Calendar.micro_to_time(micro)
    %Time{hour: h, minute: mi, second: s, microsecond: {us, 6}, calendar: calendar}
  end

  def to_seconds_after_midnight(time) do
    micro = Tasklens.Calendar.time_micro(time)
    {div(micro, 1_000_000), rem(micro, 1_000_000)}
  end

  def from_seconds_after_midnight(seconds, microsecond \\ {0, 0}, calendar \\ Calendar.ISO) do
    {us, _} = microsecond
    {h, mi, s, _} = Tasklens.Calendar.micro_to_time(Integer.mod(seconds, 86400) * 1_000_000)
    %Time{hour: h, minute: mi, second: s, microsecond: {us, elem(microsecond, 1)}, calendar: calendar}
  end

  def add(%{calendar: cal, microsecond: {_, p}} = time, amount, unit \\ :second) when is_integer(amount) do
    micro = Integer.mod(Tasklens.Calendar.time_micro(time) + Tasklens.Calendar.add_amount(amount, unit), 86_400_000_000)
    {h, mi, s, us} = Tasklens.Calendar.micro_to_time(micro)
    %Time{hour: h, minute: mi, second: s, microsecond: {us, p}, calendar: cal}
  end

  def diff(a, b, unit \\ :second) do
    Tasklens.Calendar.diff_micro(Tasklens.Calendar.time_micro(a), Tasklens.Calendar.time_micro(b), unit)
  end

  def compare(a, b) do
    Tasklens.Calendar.compare_int(Tasklens.Calendar.time_micro(a), Tasklens.Calendar.time_micro(b))
  end


  def truncate(%{microsecond: us} = time, precision) do
    to_time(%{time | microsecond: Tasklens.Calendar.truncate_micro(us, precision)})
  end

  defp to_time(%{hour: h, minute: mi, second: s, microsecond: us, calendar: cal}) do
    %Time{hour: h, minute: mi, second: s, microsecond: us, calendar: cal}
  end

  def to_erl(%{hour: h, minute: mi, second: s}), do: {h, mi, s}

  def from_erl({h, mi, s}, microsecond \\ {0, 0}, calendar \\ Calendar.ISO), do: new(h, mi, s, microsecond, calendar)

  def from_erl!(erl, microsecond \\ {0, 0}, calendar \\ Calendar.ISO) do
    case from_erl(erl, microsecond, calendar) do
      {:ok, time} -> time
      {:error, reason} -> raise ArgumentError, "cannot convert #{inspect(erl)} to time, reason: #{inspect(reason)}"
    end
  end

  def from_iso8601(string, calendar \\ Calendar.ISO) do
    body =
      case string do
        "T" <> rest -> rest
        rest -> rest
      end

    with {:ok, {h, mi, s, us}, rest} <- Tasklens.Calendar.parse_time(body),
         {:ok, _offset} <- Tasklens.Calendar.parse_offset(rest) do
      new(h, mi, s, us, calendar)
    end
  end

  def from_iso8601!(string, calendar \\ Calendar.ISO) do
    case from_iso8601(string, calendar) do
      {:ok, time} -> time
      {:error, reason} -> raise ArgumentError, "cannot parse #{inspect(string)} as time, reason: #{inspect(reason)}"
    end
  end

  def to_iso8601(time, _format \\ :extended), do: Kernel.to_string(to_time(time))
  def to_string(time), do: Kernel.to_string(to_time(time))
end

defmodule NaiveDateTime do
  defstruct [:year, :month, :day, :hour, :minute, :second, microsecond: {0, 0}, calendar: Calendar.ISO]

  def new(%{year: y, month: m, day: d}, %{hour: h, minute: mi, second: s, microsecond: us}) do
    new(y, m, d, h, mi, s, us)
  end

  def new(year, month, day, hour, minute, second, microsecond \\ {0, 0}, calendar \\ Calendar.ISO)

  def new(year, month, day, hour, minute, second, microsecond, calendar) when is_integer(microsecond) do
    new(year, month, day, hour, minute, second, {microsecond, 6}, calendar)
  end

  def new(year, month, day, hour, minute, second, microsecond, calendar) do
    cond do
      not Tasklens.Calendar.valid_date?(year, month, day) ->
        {:error, :invalid_date}

      not Tasklens.Calendar.valid_time?(hour, minute, second, microsecond) ->
        {:error, :invalid_time}

      true ->
        {:ok,
         %NaiveDateTime{year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                        microsecond: microsecond, calendar: calendar}}
    end
  end

  def new!(date, time) do
    case new(date, time) do
      {:ok, ndt} -> ndt
      {:error, reason} -> raise ArgumentError, "cannot build naive datetime, reason: #{inspect(reason)}"
    end
  end

  def new!(year, month, day, hour, minute, second, microsecond \\ {0, 0}, calendar \\ Calendar.ISO) do
    case new(year, month, day, hour, minute, second, microsecond, calendar) do
      {:ok, ndt} -> ndt
      {:error, reason} -> raise ArgumentError, "cannot build naive datetime, reason: #{inspect(reason)}"
    end
  end

  def __from_micro__(micro, precision, calendar) do
    struct(NaiveDateTime, Map.put(Tasklens.Calendar.naive_from_micro(micro, precision), :calendar, calendar))
  end

  def utc_now(calendar \\ Calendar.ISO) do
    __from_micro__(Tasklens.Calendar.now_micro() + Tasklens.Calendar.unix_epoch_days() * 86_400_000_000, 6, calendar)
  end

  def local_now(calendar \\ Calendar.ISO), do: utc_now(calendar)

  def add(%{calendar: cal, microsecond: {_, p}} = ndt, amount, unit \\ :second) when is_integer(amount) do
    __from_micro__(Tasklens.Calendar.naive_micro(ndt) + Tasklens.Calendar.add_amount(amount, unit), p, cal)
  end

  def diff(a, b, unit \\ :second) do
    Tasklens.Calendar.diff_micro(Tasklens.Calendar.naive_micro(a), Tasklens.Calendar.naive_micro(b), unit)
  end

  def compare(a, b) do
    Tasklens.Calendar.compare_int(Tasklens.Calendar.naive_micro(a), Tasklens.Calendar.naive_micro(b))
  end


  def truncate(%{microsecond: us} = ndt, precision) do
    to_naive(%{ndt | microsecond: Tasklens.Calendar.truncate_micro(us, precision)})
  end

  defp to_naive(%{year: y, month: m, day: d, hour: h, minute: mi, second: s, microsecond: us, calendar: cal}) do
    %NaiveDateTime{year: y, month: m, day: d, hour: h, minute: mi, second: s, microsecond: us, calendar: cal}
  end

  def to_date(%{year: y, month: m, day: d, calendar: cal}), do: %Date{year: y, month: m, day: d, calendar: cal}

  def to_time(%{hour: h, minute: mi, second: s, microsecond: us, calendar: cal}) do
    %Time{hour: h, minute: mi, second: s, microsecond: us, calendar: cal}
  end

  def to_erl(%{year: y, month: m, day: d, hour: h, minute: mi, second: s}), do: {{y, m, d}, {h, mi, s}}

  def from_erl({{y, m, d}, {h, mi, s}}, microsecond \\ {0, 0}, calendar \\ Calendar.ISO) do
    new(y, m, d, h, mi, s, microsecond, calendar)
  end

  def from_erl!(erl, microsecond \\ {0, 0}, calendar \\ Calendar.ISO) do
    case from_erl(erl, microsecond, calendar) do
      {:ok, ndt} -> ndt
      {:error, reason} -> raise ArgumentError, "cannot convert #{inspect(erl)} to naive datetime, reason: #{inspect(reason)}"
    end
  end

  def to_gregorian_seconds(%{microsecond: {us, _}} = ndt) do
    {div(Tasklens.Calendar.naive_micro(ndt) - us, 1_000_000), us}
  end

  def from_gregorian_seconds(seconds, {us, p} \\ {0, 0}, calendar \\ Calendar.ISO) do
    __from_micro__(seconds * 1_000_000 + us, p, calendar)
  end

  def from_iso8601(string, calendar \\ Calendar.ISO) do
    with {:ok, {y, m, d}, <<sep, rest::binary>>} when sep in [?T, ?\s] <- Tasklens.Calendar.parse_date(string),
         {:ok, {h, mi, s, us}, rest} <- Tasklens.Calendar.parse_time(rest),
         {:ok, _offset} <- Tasklens.Calendar.parse_offset(rest) do
      new(y, m, d, h, mi, s, us, calendar)
    else
      {:error, _} = error -> error
      _ -> {:error, :invalid_format}
    end
  end

  def from_iso8601!(string, calendar \\ Calendar.ISO) do
    case from_iso8601(string, calendar) do
      {:ok, ndt} -> ndt
      {:error, reason} -> raise ArgumentError, "cannot parse #{inspect(string)} as naive datetime, reason: #{inspect(reason)}"
    end
  end

  def to_iso8601(ndt, _format \\ :extended), do: String.replace(Kernel.to_string(to_naive(ndt)), " ", "T")
  def to_string(ndt), do: Kernel.to_string(to_naive(ndt))
end

defmodule DateTime do
  defstruct [:year, :month, :day, :hour, :minute, :second, :time_zone, :zone_abbr, :utc_offset, :std_offset,
             microsecond: {0, 0}, calendar: Calendar.ISO]

  @epoch_micro 719_528 * 86_400_000_000

  def __from_micro__(micro, precision, calendar) do
    fields = Tasklens.Calendar.naive_from_micro(micro, precision)

    struct(DateTime,
      Map.merge(fields, %{calendar: calendar, time_zone: "Etc/UTC", zone_abbr: "UTC", utc_offset: 0, std_offset: 0})
    )
  end

  def utc_now(calendar \\ Calendar.ISO), do: __from_micro__(Tasklens.Calendar.now_micro() + @epoch_micro, 6, calendar)

  def now(time_zone, _db \\ nil)
  def now("Etc/UTC", _db), do: {:ok, utc_now()}
  def now(_time_zone, _db), do: {:error, :utc_only_time_zone_database}

  def now!(time_zone, db \\ nil) do
    case now(time_zone, db) do
      {:ok, dt} -> dt
      {:error, reason} -> raise ArgumentError, "cannot get current datetime in #{inspect(time_zone)} time zone, reason: #{inspect(reason)}"
    end
  end

  def from_unix(integer, unit \\ :second, calendar \\ Calendar.ISO) when is_integer(integer) do
    micro = Tasklens.Calendar.to_micro(integer, unit)

    if micro < -377_705_116_800_000_000 or micro > 253_402_300_799_999_999 do
      {:error, :invalid_unix_time}
    else
      {:ok, __from_micro__(micro + @epoch_micro, Tasklens.Calendar.unit_precision(unit), calendar)}
    end
  end

  def from_unix!(integer, unit \\ :second, calendar \\ Calendar.ISO) do
    case from_unix(integer, unit, calendar) do
      {:ok, dt} -> dt
      {:error, :invalid_unix_time} -> raise ArgumentError, "invalid Unix time #{integer}"
    end
  end

  def to_unix(%{utc_offset: uo, std_offset: so} = dt, unit \\ :second) do
    micro = Tasklens.Calendar.naive_micro(dt) - @epoch_micro - (uo + so) * 1_000_000
    Tasklens.Calendar.from_micro(micro, unit)
  end

  defp utc_micro(%{utc_offset: uo, std_offset: so} = dt), do: Tasklens.Calendar.naive_micro(dt) - (uo + so) * 1_000_000

  def new(date, time, time_zone \\ "Etc/UTC", _db \\ nil)

  def new(%{year: y, month: m, day: d, calendar: cal}, %{hour: h, minute: mi, second: s, microsecond: us}, "Etc/UTC", _db) do
    {:ok,
     %DateTime{year: y, month: m, day: d, hour: h, minute: mi, second: s, microsecond: us, calendar: cal,
               time_zone: "Etc/UTC", zone_abbr: "UTC", utc_offset: 0, std_offset: 0}}
  end

  def new(_date, _time, _time_zone, _db), do: {:error, :utc_only_time_zone_database}

  def new!(date, time, time_zone \\ "Etc/UTC", db \\ nil) do
    case new(date, time, time_zone, db) do
      {:ok, dt} -> dt
      {:error, reason} -> raise ArgumentError, "cannot build datetime with #{inspect(date)} and #{inspect(time)}, reason: #{inspect(reason)}"
    end
  end

  def from_naive(ndt, time_zone, db \\ nil)
  def from_naive(ndt, "Etc/UTC", _db), do: new(NaiveDateTime.to_date(ndt), NaiveDateTime.to_time(ndt))
  def from_naive(_ndt, _time_zone, _db), do: {:error, :utc_only_time_zone_database}

  def from_naive!(ndt, time_zone, db \\ nil) do
    case from_naive(ndt, time_zone, db) do
      {:ok, dt} -> dt
      {:error, reason} -> raise ArgumentError, "cannot convert #{inspect(ndt)} to datetime, reason: #{inspect(reason)}"
    end
  end

  def shift_zone(%{time_zone: tz} = dt, tz, _db \\ nil), do: {:ok, dt}
  def shift_zone(%{} = dt, "Etc/UTC", _db), do: {:ok, __from_micro__(utc_micro(dt), elem(dt.microsecond, 1), dt.calendar)}
  def shift_zone(_dt, _time_zone, _db), do: {:error, :utc_only_time_zone_database}

  def shift_zone!(dt, time_zone, db \\ nil) do
    case shift_zone(dt, time_zone, db) do
      {:ok, dt} -> dt
      {:error, reason} -> raise ArgumentError, "cannot shift #{inspect(dt)} to #{inspect(time_zone)} time zone, reason: #{inspect(reason)}"
    end
  end

  def add(%{microsecond: {_, p}, calendar: cal} = dt, amount, unit \\ :second, _db \\ nil) when is_integer(amount) do
    __from_micro__(utc_micro(dt) + Tasklens.Calendar.add_amount(amount, unit), p, cal)
  end

  def diff(a, b, unit \\ :second), do: Tasklens.Calendar.diff_micro(utc_micro(a), utc_micro(b), unit)

  def compare(a, b), do: Tasklens.Calendar.compare_int(utc_micro(a), utc_micro(b))

  def truncate(%{microsecond: us} = dt, precision), do: %{dt | microsecond: Tasklens.Calendar.truncate_micro(us, precision)}

  def to_date(%{year: y, month: m, day: d, calendar: cal}), do: %Date{year: y, month: m, day: d, calendar: cal}

  def to_time(%{hour: h, minute: mi, second: s, microsecond: us, calendar: cal}) do
    %Time{hour: h, minute: mi, second: s, microsecond: us, calendar: cal}
  end

  def to_naive(%{year: y, month: m, day: d, hour: h, minute: mi, second: s, microsecond: us, calendar: cal}) do
    %NaiveDateTime{year: y, month: m, day: d, hour: h, minute: mi, second: s, microsecond: us, calendar: cal}
  end

  def to_gregorian_seconds(%{microsecond: {us, _}} = dt), do: {div(utc_micro(dt) - us, 1_000_000), us}

  def from_iso8601(string, calendar \\ Calendar.ISO) do
    with {:ok, {y, m, d}, <<sep, rest::binary>>} when sep in [?T, ?\s] <- Tasklens.Calendar.parse_date(string),
         {:ok, {h, mi, s, {_, p} = us}, rest} <- Tasklens.Calendar.parse_time(rest),
         {:ok, offset} <- Tasklens.Calendar.parse_offset(rest) do
      cond do
        offset == nil ->
          {:error, :missing_offset}

        not Tasklens.Calendar.valid_date?(y, m, d) ->
          {:error, :invalid_date}

        not Tasklens.Calendar.valid_time?(h, mi, s, us) ->
          {:error, :invalid_time}

        true ->
          local = %{year: y, month: m, day: d, hour: h, minute: mi, second: s, microsecond: us}
          {:ok, __from_micro__(Tasklens.Calendar.naive_micro(local) - offset * 1_000_000, p, calendar), offset}
      end
    else
      {:error, _} = error -> error
      _ -> {:error, :invalid_format}
    end
  end

  def to_iso8601(dt, format \\ :extended, _offset \\ nil)

  def to_iso8601(%{} = dt, :extended, _offset) do
    NaiveDateTime.to_iso8601(to_naive(dt)) <> offset_suffix(dt)
  end

  def to_iso8601(%{} = dt, :basic, _offset) do
    String.replace(NaiveDateTime.to_iso8601(to_naive(dt)), ["-", ":"], "") <> String.replace(offset_suffix(dt), ":", "")
  end

  defp offset_suffix(%{time_zone: "Etc/UTC", utc_offset: 0, std_offset: 0}), do: "Z"

  defp offset_suffix(%{utc_offset: uo, std_offset: so}) do
    total = uo + so
    sign = if total < 0, do: "-", else: "+"
    total = abs(total)
    pad = fn n -> String.pad_leading(Integer.to_string(n), 2, "0") end
    sign <> pad.(div(total, 3600)) <> ":" <> pad.(rem(div(total, 60), 60))
  end

  def to_string(dt), do: Kernel.to_string(dt)
end
