# IO.ANSI: the escape sequences, color/1,3, cursor movement, enabled? (false: output is not a
# terminal), and format/format_fragment's nested iodata, reset appended only after a sequence.
IO.inspect(IO.ANSI.red() <> "error" <> IO.ANSI.reset())
IO.inspect([IO.ANSI.bright(), IO.ANSI.light_blue_background(), IO.ANSI.underline(), IO.ANSI.faint(), IO.ANSI.inverse(), IO.ANSI.crossed_out(), IO.ANSI.font_3(), IO.ANSI.normal(), IO.ANSI.default_color()])
IO.inspect([IO.ANSI.clear(), IO.ANSI.clear_line(), IO.ANSI.home(), IO.ANSI.cursor(3, 4), IO.ANSI.cursor_up(), IO.ANSI.cursor_down(2), IO.ANSI.cursor_left(5), IO.ANSI.cursor_right()])
IO.inspect([IO.ANSI.color(200), IO.ANSI.color(1, 2, 3), IO.ANSI.color_background(9), IO.ANSI.color_background(5, 0, 0)])
IO.inspect(IO.ANSI.enabled?())
IO.inspect(IO.ANSI.format([:red, "hello ", :bright, "world"]))
IO.inspect(IO.ANSI.format([:red, "hello"], true))
IO.inspect(IO.ANSI.format(["plain"], true))
IO.inspect(IO.ANSI.format([[:green, "ok"], " done"], true))
IO.inspect(IO.ANSI.format_fragment([:green, "ok"], true))
IO.inspect(IO.ANSI.format([:blue_background, :light_yellow, "x", :reset, "y"], true))
IO.inspect(IO.ANSI.format(["a" | "b"], true))
IO.puts(IO.ANSI.format([:red, "visible?"]))
try do
  IO.ANSI.format([:nope, "x"], true)
rescue
  e -> IO.puts(Exception.message(e))
end
