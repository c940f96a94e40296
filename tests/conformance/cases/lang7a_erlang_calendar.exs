# :calendar (dates, gregorian days and seconds, ISO weeks, calendar.erl's own failures) and
# :erlang integer_to_list/2, list_to_integer/2, binary_to_float, list_to_float, make_tuple/3,
# insert_element, delete_element with the BEAM's ArgumentErrors.
IO.inspect(:calendar.is_leap_year(2024))
IO.inspect(:calendar.last_day_of_the_month(2023, 2))
IO.inspect(:calendar.valid_date(2023, 2, 29))
IO.inspect(:calendar.valid_date({2024, 2, 29}))
IO.inspect(:calendar.day_of_the_week(2024, 3, 14))
IO.inspect(:calendar.day_of_the_week({1970, 1, 1}))
IO.inspect(:calendar.date_to_gregorian_days(2024, 1, 1))
IO.inspect(:calendar.gregorian_days_to_date(738_000))
s = :calendar.datetime_to_gregorian_seconds({{2024, 5, 1}, {12, 30, 15}})
IO.inspect(s)
IO.inspect(:calendar.gregorian_seconds_to_datetime(s + 86_400 * 40 + 3661))
IO.inspect(:calendar.seconds_to_time(3725))
IO.inspect(:calendar.time_to_seconds({1, 2, 5}))
IO.inspect(:calendar.seconds_to_daystime(200_000))
IO.inspect(:calendar.iso_week_number({2021, 1, 3}))
IO.inspect(:calendar.iso_week_number({2024, 12, 30}))
IO.inspect(:calendar.iso_week_number({2024, 6, 15}))
IO.inspect(:calendar.now_to_datetime({1700, 123_456, 0}))
{{y, _, _}, {_, _, _}} = :calendar.universal_time()
IO.inspect(is_integer(y))
IO.inspect(:erlang.integer_to_list(255, 16))
IO.inspect(:erlang.integer_to_list(-35, 36))
IO.inspect(:erlang.list_to_integer('ff', 16))
IO.inspect(:erlang.list_to_integer('-zz', 36))
IO.inspect(:erlang.binary_to_float("1.5e3"))
IO.inspect(:erlang.list_to_float('-0.25'))
IO.inspect(:erlang.make_tuple(3, :x, [{2, :y}]))
IO.inspect(:erlang.insert_element(2, {:a, :b}, :x))
IO.inspect(:erlang.delete_element(1, {:a, :b}))
IO.inspect(:erlang.list_to_existing_atom('ok'))
for f <- [fn -> :erlang.binary_to_float("1") end, fn -> :erlang.list_to_integer('12x', 10) end,
          fn -> :erlang.insert_element(4, {:a, :b}, :x) end, fn -> :erlang.integer_to_list(1, 37) end] do
  try do
    f.()
  rescue
    e -> IO.puts(Exception.message(e))
  end
end
try do
  :calendar.day_of_the_week(2023, 13, 1)
rescue
  e -> IO.puts(Exception.message(e))
end
for f <- [fn -> :calendar.day_of_the_week(2023, 2, 30) end, fn -> :calendar.day_of_the_week(2023, 13, 1) end,
  fn -> :calendar.date_to_gregorian_days(2023, 2, 30) end, fn -> :calendar.date_to_gregorian_days({2023, 0, 1}) end,
  fn -> :calendar.iso_week_number({2023, 2, 30}) end, fn -> :calendar.last_day_of_the_month(2023, 13) end,
  fn -> :calendar.gregorian_days_to_date(-1) end, fn -> :calendar.seconds_to_time(90000) end,
  fn -> :calendar.datetime_to_gregorian_seconds({{2023, 2, 30}, {0, 0, 0}}) end, fn -> :calendar.day_of_the_week(:x) end] do
  try do
    IO.inspect f.()
  rescue
    e -> IO.puts(Exception.message(e))
  end
end
