# Prelude: Calendar.strftime/2,3 as Elixir 1.14 formats dates and times (directives, the `-`,
# `0` and `_` padding flags, widths, and the name/format options). The calendar types are in
# calendar.exs.

defmodule Calendar do
  def strftime(datetime, format, options \\ []) when is_map(datetime) and is_binary(format) do
    opts = Enum.reduce(options, default_options(), fn {key, value}, acc ->
      if Map.has_key?(acc, key) do
        Map.put(acc, key, value)
      else
        raise ArgumentError, "unknown option #{inspect(key)} given to Calendar.strftime/3"
      end
    end)

    IO.iodata_to_binary(format_string(format, datetime, opts, []))
  end

  defp default_options() do
    %{
      preferred_date: "%Y-%m-%d",
      preferred_time: "%H:%M:%S",
      preferred_datetime: "%Y-%m-%d %H:%M:%S",
      am_pm_names: fn :am -> "am"; :pm -> "pm" end,
      month_names: fn m ->
        elem({"January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"}, m - 1)
      end,
      day_of_week_names: fn d -> elem({"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}, d - 1) end,
      abbreviated_month_names: fn m ->
        elem({"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}, m - 1)
      end,
      abbreviated_day_of_week_names: fn d -> elem({"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, d - 1) end
    }
  end

  defp format_string("", _dt, _opts, acc), do: Enum.reverse(acc)
  defp format_string("%" <> rest, dt, opts, acc), do: directive(rest, nil, nil, dt, opts, acc)
  defp format_string(<<c, rest::binary>>, dt, opts, acc), do: format_string(rest, dt, opts, [c | acc])

  # flags: "-" (no padding), "0", "_" (spaces), then a width
  defp directive("-" <> rest, width, nil, dt, opts, acc), do: directive(rest, width, "", dt, opts, acc)
  defp directive("0" <> rest, nil, nil, dt, opts, acc), do: directive(rest, nil, ?0, dt, opts, acc)
  defp directive("_" <> rest, width, nil, dt, opts, acc), do: directive(rest, width, ?\s, dt, opts, acc)

  defp directive(<<c, rest::binary>>, width, pad, dt, opts, acc) when c in ?0..?9 do
    directive(rest, (width || 0) * 10 + (c - ?0), pad, dt, opts, acc)
  end

  defp directive(<<c, rest::binary>>, width, pad, dt, opts, acc) do
    pad = if pad == nil, do: (if c in 'aAbBpPZ', do: ?\s, else: ?0), else: pad

    width =
      cond do
        width != nil -> width
        c in 'dHImMSy' -> 2
        c == ?j -> 3
        c in 'Yz' -> 4
        true -> 0
      end

    text = field(c, rest, width, pad, dt, opts)
    format_string(rest, dt, opts, [text | acc])
  end

  defp directive("", _width, _pad, _dt, _opts, _acc), do: raise(ArgumentError, "invalid strftime format: %")

  defp field(c, rest, width, pad, dt, opts) do
    case c do
      ?% -> pad("%", width, pad)
      ?a -> pad(opts.abbreviated_day_of_week_names.(Date.day_of_week(dt)), width, pad)
      ?A -> pad(opts.day_of_week_names.(Date.day_of_week(dt)), width, pad)
      ?b -> pad(opts.abbreviated_month_names.(dt.month), width, pad)
      ?B -> pad(opts.month_names.(dt.month), width, pad)
      ?c -> preferred(opts.preferred_datetime, width, pad, dt, opts)
      ?d -> pad(Integer.to_string(dt.day), width, pad)
      ?f ->
        {us, p} = dt.microsecond
        binary_part(String.pad_leading(Integer.to_string(us), 6, "0"), 0, max(p, 1))
      ?H -> pad(Integer.to_string(dt.hour), width, pad)
      ?I -> pad(Integer.to_string(rem(dt.hour + 23, 12) + 1), width, pad)
      ?j -> pad(Integer.to_string(Date.day_of_year(dt)), width, pad)
      ?m -> pad(Integer.to_string(dt.month), width, pad)
      ?M -> pad(Integer.to_string(dt.minute), width, pad)
      ?p -> pad(String.upcase(am_pm(dt.hour, opts)), width, pad)
      ?P -> pad(String.downcase(am_pm(dt.hour, opts)), width, pad)
      ?q -> pad(Integer.to_string(Date.quarter_of_year(dt)), width, pad)
      ?S -> pad(Integer.to_string(dt.second), width, pad)
      ?u -> pad(Integer.to_string(Date.day_of_week(dt)), width, pad)
      ?x -> preferred(opts.preferred_date, width, pad, dt, opts)
      ?X -> preferred(opts.preferred_time, width, pad, dt, opts)
      ?y -> pad(Integer.to_string(rem(dt.year, 100)), width, pad)
      ?Y -> pad(Integer.to_string(dt.year), width, pad)
      ?z ->
        case dt do
          %{utc_offset: uo, std_offset: so} ->
            total = abs(uo + so)
            number = Integer.to_string(div(total, 3600) * 100 + rem(div(total, 60), 60))
            if(uo + so >= 0, do: "+", else: "-") <> pad(number, width, pad)

          _ ->
            ""
        end
      ?Z -> pad(Map.get(dt, :zone_abbr, ""), width, pad)
      _ ->
        next = String.first(<<c, rest::binary>>) || ""
        raise ArgumentError, "invalid strftime format: %#{next}"
    end
  end

  defp am_pm(hour, opts) when hour > 11, do: opts.am_pm_names.(:pm)
  defp am_pm(_hour, opts), do: opts.am_pm_names.(:am)

  defp preferred(format, width, pad, dt, opts) do
    text = IO.iodata_to_binary(format_string(format, dt, Map.put(opts, :preferred_datetime, ""), []))
    if is_binary(pad) or byte_size(text) >= width, do: text, else: pad(text, width, pad)
  end

  defp pad(text, _width, "") when is_binary(text), do: text

  defp pad(text, width, pad) do
    n = width - byte_size(text)
    if n > 0, do: String.duplicate(<<pad>>, n) <> text, else: text
  end
end
