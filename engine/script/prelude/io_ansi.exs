# Prelude: IO.ANSI's escape sequences and format/format_fragment as Elixir 1.14 builds them
# (the same nested iodata). A scenario's output is not a terminal, so enabled?/0 is false, as
# for `elixir x.exs` with its output redirected: format/1 then drops the ANSI atoms.

defmodule IO.ANSI do
  @codes %{
    reset: 0, bright: 1, faint: 2, italic: 3, underline: 4, blink_slow: 5, blink_rapid: 6,
    inverse: 7, reverse: 7, conceal: 8, crossed_out: 9, primary_font: 10, font_1: 11, font_2: 12,
    font_3: 13, font_4: 14, font_5: 15, font_6: 16, font_7: 17, font_8: 18, font_9: 19,
    normal: 22, not_italic: 23, no_underline: 24, blink_off: 25, inverse_off: 27, reverse_off: 27,
    black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37,
    default_color: 39, black_background: 40, red_background: 41, green_background: 42,
    yellow_background: 43, blue_background: 44, magenta_background: 45, cyan_background: 46,
    white_background: 47, default_background: 49, framed: 51, encircled: 52, overlined: 53,
    not_framed_encircled: 54, not_overlined: 55, light_black: 90, light_red: 91, light_green: 92,
    light_yellow: 93, light_blue: 94, light_magenta: 95, light_cyan: 96, light_white: 97,
    light_black_background: 100, light_red_background: 101, light_green_background: 102,
    light_yellow_background: 103, light_blue_background: 104, light_magenta_background: 105,
    light_cyan_background: 106, light_white_background: 107
  }

  def enabled?(), do: false

  def reset(), do: sgr(:reset)
  def bright(), do: sgr(:bright)
  def faint(), do: sgr(:faint)
  def italic(), do: sgr(:italic)
  def underline(), do: sgr(:underline)
  def blink_slow(), do: sgr(:blink_slow)
  def blink_rapid(), do: sgr(:blink_rapid)
  def inverse(), do: sgr(:inverse)
  def reverse(), do: sgr(:reverse)
  def conceal(), do: sgr(:conceal)
  def crossed_out(), do: sgr(:crossed_out)
  def primary_font(), do: sgr(:primary_font)
  def font_1(), do: sgr(:font_1)
  def font_2(), do: sgr(:font_2)
  def font_3(), do: sgr(:font_3)
  def font_4(), do: sgr(:font_4)
  def font_5(), do: sgr(:font_5)
  def font_6(), do: sgr(:font_6)
  def font_7(), do: sgr(:font_7)
  def font_8(), do: sgr(:font_8)
  def font_9(), do: sgr(:font_9)
  def normal(), do: sgr(:normal)
  def not_italic(), do: sgr(:not_italic)
  def no_underline(), do: sgr(:no_underline)
  def blink_off(), do: sgr(:blink_off)
  def inverse_off(), do: sgr(:inverse_off)
  def reverse_off(), do: sgr(:reverse_off)
  def black(), do: sgr(:black)
  def red(), do: sgr(:red)
  def green(), do: sgr(:green)
  def yellow(), do: sgr(:yellow)
  def blue(), do: sgr(:blue)
  def magenta(), do: sgr(:magenta)
  def cyan(), do: sgr(:cyan)
  def white(), do: sgr(:white)
  def default_color(), do: sgr(:default_color)
  def black_background(), do: sgr(:black_background)
  def red_background(), do: sgr(:red_background)
  def green_background(), do: sgr(:green_background)
  def yellow_background(), do: sgr(:yellow_background)
  def blue_background(), do: sgr(:blue_background)
  def magenta_background(), do: sgr(:magenta_background)
  def cyan_background(), do: sgr(:cyan_background)
  def white_background(), do: sgr(:white_background)
  def default_background(), do: sgr(:default_background)
  def framed(), do: sgr(:framed)
  def encircled(), do: sgr(:encircled)
  def overlined(), do: sgr(:overlined)
  def not_framed_encircled(), do: sgr(:not_framed_encircled)
  def not_overlined(), do: sgr(:not_overlined)
  def light_black(), do: sgr(:light_black)
  def light_red(), do: sgr(:light_red)
  def light_green(), do: sgr(:light_green)
  def light_yellow(), do: sgr(:light_yellow)
  def light_blue(), do: sgr(:light_blue)
  def light_magenta(), do: sgr(:light_magenta)
  def light_cyan(), do: sgr(:light_cyan)
  def light_white(), do: sgr(:light_white)
  def light_black_background(), do: sgr(:light_black_background)
  def light_red_background(), do: sgr(:light_red_background)
  def light_green_background(), do: sgr(:light_green_background)
  def light_yellow_background(), do: sgr(:light_yellow_background)
  def light_blue_background(), do: sgr(:light_blue_background)
  def light_magenta_background(), do: sgr(:light_magenta_background)
  def light_cyan_background(), do: sgr(:light_cyan_background)
  def light_white_background(), do: sgr(:light_white_background)

  def color(code) when is_integer(code) and code in 0..255, do: "\e[38;5;#{code}m"
  def color(r, g, b) when r in 0..5 and g in 0..5 and b in 0..5, do: color(16 + 36 * r + 6 * g + b)
  def color_background(code) when is_integer(code) and code in 0..255, do: "\e[48;5;#{code}m"
  def color_background(r, g, b) when r in 0..5 and g in 0..5 and b in 0..5, do: color_background(16 + 36 * r + 6 * g + b)

  def clear(), do: "\e[2J"
  def clear_line(), do: "\e[2K"
  def home(), do: "\e[H"
  def cursor(line, column) when is_integer(line) and is_integer(column), do: "\e[#{line};#{column}H"
  def cursor_up(lines \\ 1) when is_integer(lines) and lines >= 1, do: "\e[#{lines}A"
  def cursor_down(lines \\ 1) when is_integer(lines) and lines >= 1, do: "\e[#{lines}B"
  def cursor_right(columns \\ 1) when is_integer(columns) and columns >= 1, do: "\e[#{columns}C"
  def cursor_left(columns \\ 1) when is_integer(columns) and columns >= 1, do: "\e[#{columns}D"

  defp sgr(name), do: "\e[#{Map.fetch!(@codes, name)}m"

  defp sequence(name) when is_atom(name) do
    case @codes do
      %{^name => code} -> "\e[#{code}m"
      _ -> other_sequence(name)
    end
  end

  defp other_sequence(:clear), do: clear()
  defp other_sequence(:clear_line), do: clear_line()
  defp other_sequence(:home), do: home()
  defp other_sequence(name), do: raise(ArgumentError, "invalid ANSI sequence specification: #{inspect(name)}")

  # format/2 appends a reset when it emitted a sequence; format_fragment/2 never does
  def format(ansidata, emit? \\ enabled?()) when is_boolean(emit?), do: walk(ansidata, [], [], emit?, :maybe)
  def format_fragment(ansidata, emit? \\ enabled?()) when is_boolean(emit?), do: walk(ansidata, [], [], emit?, false)

  defp walk([term | rest], pending, acc, emit?, reset), do: walk(term, [rest | pending], acc, emit?, reset)
  defp walk(term, pending, acc, true, reset) when is_atom(term), do: walk([], pending, [acc | sequence(term)], true, !!reset)
  defp walk(term, pending, acc, false, reset) when is_atom(term), do: walk([], pending, acc, false, reset)
  defp walk(term, pending, acc, emit?, reset) when not is_list(term), do: walk([], pending, [acc, term], emit?, reset)
  defp walk([], [next | rest], acc, emit?, reset), do: walk(next, rest, acc, emit?, reset)
  defp walk([], [], acc, true, true), do: [acc | reset()]
  defp walk([], [], acc, _emit?, _reset), do: acc
end
