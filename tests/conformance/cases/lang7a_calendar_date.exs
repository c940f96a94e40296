# Date in the ISO calendar: ~D literals, arithmetic, weeks and months, ISO 8601 parsing,
# ranges (Enumerable), sorting and min/max with Date as the sorter, inspect and to_string.
d = ~D[2024-02-27]
IO.inspect(d)
IO.puts(d)
IO.puts("interpolated: #{d}")
IO.inspect({d.year, d.month, d.day, d.calendar})
IO.inspect(Date.add(d, 3))
IO.inspect(Date.add(d, -400))
IO.inspect(Date.leap_year?(d))
IO.inspect(Date.days_in_month(~D[2023-02-01]))
IO.inspect(Enum.map(0..6, fn i -> Date.day_of_week(Date.add(d, i)) end))
IO.inspect(Date.day_of_week(d, :sunday))
IO.inspect(Date.day_of_year(~D[2024-12-31]))
IO.inspect(Date.quarter_of_year(~D[2024-08-01]))
IO.inspect(Date.diff(~D[2024-12-25], d))
IO.inspect(Date.diff(~D[1970-01-01], ~D[2000-03-01]))
IO.inspect(Date.to_gregorian_days(~D[1970-01-01]))
IO.inspect(Date.from_gregorian_days(738_000))
IO.inspect(Date.beginning_of_month(d))
IO.inspect(Date.end_of_month(~D[2100-02-10]))
IO.inspect(Date.beginning_of_week(~D[2024-03-14]))
IO.inspect(Date.end_of_week(~D[2024-03-14], :sunday))
IO.inspect(Date.new(2023, 2, 29))
IO.inspect(Date.new(2024, 2, 29))
IO.inspect(Date.from_iso8601("2023-11-05"))
IO.inspect(Date.from_iso8601("2023-13-05"))
IO.inspect(Date.from_iso8601("2023-1-05"))
IO.inspect(Date.from_iso8601!("2000-01-01"))
IO.inspect(Date.to_iso8601(~D[0099-01-02]))
IO.inspect(Date.to_iso8601(d, :basic))
IO.inspect(Date.to_string(d))
IO.inspect(Date.to_erl(d))
IO.inspect(Date.from_erl({2020, 6, 31}))
IO.inspect(Date.compare(~D[2023-11-05], d))
IO.inspect(Date.compare(d, d))

range = Date.range(~D[2024-03-01], ~D[2024-03-05])
IO.inspect(range)
IO.inspect(Enum.map(range, &Date.day_of_week/1))
IO.inspect(Enum.count(range))
IO.inspect(Enum.member?(range, ~D[2024-03-03]))
IO.inspect(Enum.to_list(Date.range(~D[2024-03-05], ~D[2024-03-01])))
IO.inspect(Date.range(~D[2024-01-01], ~D[2024-01-31], 7) |> Enum.to_list())

dates = [~D[2024-01-02], ~D[2023-12-31], ~D[2024-01-01]]
IO.inspect(Enum.sort(dates, Date))
IO.inspect(Enum.sort(dates, {:desc, Date}))
IO.inspect(Enum.min(dates, Date))
IO.inspect(Enum.max(dates, Date))
IO.inspect(Enum.sort_by([%{on: ~D[2024-05-01]}, %{on: ~D[2023-05-01]}], & &1.on, Date))
IO.inspect(%{d | year: 2025})
IO.inspect(%{~D[2024-01-01] => :new_year})
IO.inspect([d], structs: false)
IO.inspect(match?(%Date{month: 2}, d))

try do
  Date.new!(2023, 2, 30)
rescue
  e in ArgumentError -> IO.puts(Exception.message(e))
end

try do
  Date.from_iso8601!("nope")
rescue
  e in ArgumentError -> IO.puts(Exception.message(e))
end
