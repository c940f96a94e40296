# Prelude: String, the functions of it written in the scenario language (the others are native,
# stdlib/string.cpp).

defmodule String do
  # Canonical equivalence: equal once both are decomposed (NFD).
  def equivalent?(string1, string2) when is_binary(string1) and is_binary(string2) do
    String.normalize(string1, :nfd) == String.normalize(string2, :nfd)
  end

  def myers_difference(string1, string2) when is_binary(string1) and is_binary(string2) do
    String.graphemes(string1)
    |> List.myers_difference(String.graphemes(string2))
    |> Enum.map(fn {kind, chars} -> {kind, IO.iodata_to_binary(chars)} end)
  end

  # String.bag_distance/2: 1 - (the larger multiset difference of graphemes) / (the longer length).
  def bag_distance(string, "") when is_binary(string), do: 0.0
  def bag_distance("", string) when is_binary(string), do: 0.0

  def bag_distance(string1, string2) when is_binary(string1) and is_binary(string2) do
    chars1 = String.graphemes(string1)
    chars2 = String.graphemes(string2)
    bag1 = Enum.frequencies(chars1)
    bag2 = Enum.frequencies(chars2)
    missing = Kernel.max(bag_excess(bag1, bag2), bag_excess(bag2, bag1))
    1 - missing / Kernel.max(Kernel.length(chars1), Kernel.length(chars2))
  end

  defp bag_excess(bag, other) do
    Enum.reduce(bag, 0, fn {char, count}, sum -> sum + Kernel.max(count - Map.get(other, char, 0), 0) end)
  end

  # String.jaro_distance/2 as Elixir computes it: the shorter string's graphemes are looked up
  # in a window of the longer one (a found grapheme is used up), and a transposition is counted
  # each time a match lies before the previous one.
  def jaro_distance(string, string) when is_binary(string), do: 1.0
  def jaro_distance(string, "") when is_binary(string), do: 0.0
  def jaro_distance("", string) when is_binary(string), do: 0.0

  def jaro_distance(string1, string2) when is_binary(string1) and is_binary(string2) do
    chars1 = String.graphemes(string1)
    chars2 = String.graphemes(string2)
    {len1, len2} = {Kernel.length(chars1), Kernel.length(chars2)}

    {outer, inner, window} =
      if len1 < len2, do: {chars1, chars2, div(len2, 2) - 1}, else: {chars2, chars1, div(len1, 2) - 1}

    case jaro_matches(outer, inner, 0, window, {0, 0, -1}, 0) do
      {0, _transpositions} -> 0.0
      {common, transpositions} -> (common / len1 + common / len2 + (common - transpositions) / common) / 3
    end
  end

  defp jaro_matches([], _inner, _pre, _window, {common, transpositions, _last}, _index), do: {common, transpositions}

  defp jaro_matches([char | rest], inner, pre, window, state, index) do
    {inner, state} =
      case jaro_find(char, inner, pre + 1 + window, 0, []) do
        nil -> {inner, state}
        {at, inner} -> {inner, jaro_count(state, index - pre + at)}
      end

    if pre == window,
      do: jaro_matches(rest, tl(inner), pre, window, state, index + 1),
      else: jaro_matches(rest, inner, pre + 1, window, state, index + 1)
  end

  defp jaro_find(_char, _chars, 0, _at, _seen), do: nil
  defp jaro_find(_char, [], _limit, _at, _seen), do: nil
  defp jaro_find(char, [char | rest], _limit, at, seen), do: {at, :lists.reverse(seen, [nil | rest])}
  defp jaro_find(char, [other | rest], limit, at, seen), do: jaro_find(char, rest, limit - 1, at + 1, [other | seen])

  defp jaro_count({common, transpositions, last}, position) when position < last, do: {common + 1, transpositions + 1, position}
  defp jaro_count({common, transpositions, _last}, position), do: {common + 1, transpositions, position}

  def chunk("", _mode), do: []

  def chunk(string, mode) when is_binary(string) and mode in [:valid, :printable] do
    test = if mode == :valid, do: &String.valid?/1, else: &printable_codepoint?/1

    string
    |> String.codepoints()
    |> Enum.chunk_by(test)
    |> Enum.map(&Enum.join/1)
  end

  def printable?(string, limit \\ :infinity)

  def printable?(string, limit) when is_binary(string) and (limit == :infinity or (is_integer(limit) and limit >= 0)) do
    printable_prefix?(string, limit)
  end

  def printable?(_string, _limit), do: Tasklens.VM.function_clause(String, :printable?, 2)

  defp printable_prefix?(_string, 0), do: true
  defp printable_prefix?(<<>>, _limit), do: true

  defp printable_prefix?(<<char::utf8, rest::binary>>, limit) do
    printable_char?(char) and printable_prefix?(rest, if(limit == :infinity, do: limit, else: limit - 1))
  end

  defp printable_prefix?(_string, _limit), do: false

  # String.printable?/1's rule for one codepoint.
  defp printable_codepoint?(cp) do
    String.valid?(cp) and printable_char?(hd(String.to_charlist(cp)))
  end

  defp printable_char?(c) when c in 0x20..0x7E or c in 0xA0..0xD7FF or c in 0xE000..0xFFFD or c in 0x10000..0x10FFFF, do: true
  defp printable_char?(c) when c in [?\n, ?\r, ?\t, ?\v, ?\b, ?\f, ?\e, ?\d, ?\a], do: true
  defp printable_char?(_), do: false

  def next_grapheme(""), do: nil

  def next_grapheme(string) when is_binary(string) do
    grapheme = String.first(string)
    {grapheme, binary_part(string, byte_size(grapheme), byte_size(string) - byte_size(grapheme))}
  end

  def next_codepoint(<<cp::utf8, rest::binary>>), do: {<<cp::utf8>>, rest}
  def next_codepoint(<<byte, rest::binary>>), do: {<<byte>>, rest}
  def next_codepoint(""), do: nil

  def replace_leading(string, "", _replacement) when is_binary(string) do
    raise ArgumentError, "cannot use an empty string as the match to replace"
  end

  def replace_leading(string, match, replacement) when is_binary(string) and is_binary(match) and is_binary(replacement) do
    {count, rest} = count_leading(string, match, 0)
    String.duplicate(replacement, count) <> rest
  end

  defp count_leading(string, match, count) do
    size = byte_size(match)

    case string do
      <<^match::binary-size(size), rest::binary>> -> count_leading(rest, match, count + 1)
      _ -> {count, string}
    end
  end

  def replace_trailing(string, "", _replacement) when is_binary(string) do
    raise ArgumentError, "cannot use an empty string as the match to replace"
  end

  def replace_trailing(string, match, replacement) when is_binary(string) and is_binary(match) and is_binary(replacement) do
    {count, rest} = count_trailing(string, match, 0)
    rest <> String.duplicate(replacement, count)
  end

  defp count_trailing(string, match, count) do
    size = byte_size(match)
    keep = byte_size(string) - size

    case string do
      <<rest::binary-size(keep), ^match::binary>> when keep >= 0 -> count_trailing(rest, match, count + 1)
      _ -> {count, string}
    end
  end

  # splitter/2,3: the parts String.split/3 gives, computed at once (Elixir's is a lazy stream;
  # enumerating either gives the same elements)
  def splitter(string, pattern, options \\ []), do: String.split(string, pattern, options)

  # replace/3,4: a binary replacement is native (String.__replace__/4); a function gets each
  # match (the whole match, for a regex)
  def replace(subject, pattern, replacement, options \\ [])

  def replace(subject, pattern, replacement, options) when is_function(replacement, 1) and is_binary(subject) do
    case pattern do
      %{__struct__: Regex} ->
        Regex.replace(pattern, subject, replacement, options)

      _ ->
        if pattern == "" or pattern == [] do
          String.__replace__(subject, pattern, replacement.(""), options)
        else
          matches =
            if Keyword.get(options, :global, true) do
              :binary.matches(subject, pattern)
            else
              case :binary.match(subject, pattern) do
                :nomatch -> []
                found -> [found]
              end
            end

          Tasklens.VM.__splice_matches__(subject, matches, fn start, len -> replacement.(binary_part(subject, start, len)) end)
        end
    end
  end

  def replace(subject, pattern, replacement, options), do: String.__replace__(subject, pattern, replacement, options)
end
