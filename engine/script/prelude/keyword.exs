# Prelude: Keyword, the functions of it that take funs or need the VM (the others are native,
# stdlib/keyword.cpp).

defmodule Keyword do
  # validate/2 walks the keyword list against the allowed keys exactly as Elixir 1.14 does, so
  # the order of the result (defaults first, then the given pairs reversed) matches.
  def validate(keyword, values) when is_list(keyword) and is_list(values), do: validate(keyword, values, [], [], [])

  def validate!(keyword, values) do
    case validate(keyword, values) do
      {:ok, result} ->
        result

      {:error, bad_keys} ->
        allowed = Enum.map(values, fn {key, _} -> key; key -> key end)
        raise ArgumentError, "unknown keys #{inspect(bad_keys)} in #{inspect(keyword)}, the allowed keys are: #{inspect(allowed)}"
    end
  end

  defp validate([{key, _} = pair | keyword], values1, values2, acc, bad_keys) when is_atom(key) do
    case validate_find(key, values1, values2) do
      {values1, values2} ->
        validate(keyword, values1, values2, [pair | acc], bad_keys)

      :error ->
        case validate_find(key, values2, values1) do
          {values2, values1} -> validate(keyword, values1, values2, [pair | acc], bad_keys)
          :error -> validate(keyword, values1, values2, acc, [key | bad_keys])
        end
    end
  end

  defp validate([], values1, values2, acc, []), do: {:ok, validate_defaults(values1, validate_defaults(values2, acc))}
  defp validate([], _values1, _values2, _acc, bad_keys), do: {:error, bad_keys}
  defp validate([pair | _], _values1, _values2, _acc, []), do: raise(ArgumentError, "expected a keyword list as first argument, got invalid entry: #{inspect(pair)}")

  defp validate_find(key, [key | rest], acc), do: {rest, acc}
  defp validate_find(key, [{key, _} | rest], acc), do: {rest, acc}
  defp validate_find(key, [head | tail], acc), do: validate_find(key, tail, [head | acc])
  defp validate_find(_key, [], _acc), do: :error

  defp validate_defaults([key | rest], acc) when is_atom(key), do: validate_defaults(rest, acc)
  defp validate_defaults([{key, _} = pair | rest], acc) when is_atom(key), do: validate_defaults(rest, [pair | acc])
  defp validate_defaults([], acc), do: acc

  # update/4 as Elixir: the first pair of `key` is updated in place and later ones dropped; an
  # absent key is appended.
  def update(list, key, default, fun) when is_list(list) and is_atom(key) and is_function(fun, 1) do
    update_in_place(list, key, default, fun)
  end

  defp update_in_place([{key, value} | rest], key, _default, fun), do: [{key, fun.(value)} | Keyword.delete(rest, key)]
  defp update_in_place([{_, _} = pair | rest], key, default, fun), do: [pair | update_in_place(rest, key, default, fun)]
  defp update_in_place([], key, default, _fun), do: [{key, default}]

  def get_lazy(list, key, fun) do
    case Keyword.fetch(list, key) do
      {:ok, v} -> v
      :error -> fun.()
    end
  end

  def filter(list, fun), do: Enum.filter(list, fun)
  def reject(list, fun), do: Enum.reject(list, fun)

  def new(enum, transform) when is_function(transform, 1) do
    enum
    |> Enum.reduce([], fn element, acc ->
      {key, _} = pair = transform.(element)
      [pair | Keyword.delete(acc, key)]
    end)
    |> :lists.reverse()
  end

  def map(list, fun) when is_list(list), do: Enum.map(list, fn {key, value} -> {key, fun.({key, value})} end)

  def update!(list, key, fun) when is_list(list) and is_atom(key) do
    case Keyword.fetch(list, key) do
      {:ok, _} -> update_in_place(list, key, nil, fun)
      :error -> raise KeyError, key: key, term: list
    end
  end

  def replace(list, key, value) when is_list(list) and is_atom(key) do
    if Keyword.has_key?(list, key), do: Keyword.replace!(list, key, value), else: list
  end

  def replace_lazy(list, key, fun) when is_list(list) and is_atom(key) do
    case Keyword.fetch(list, key) do
      {:ok, _} -> update_in_place(list, key, nil, fun)
      :error -> list
    end
  end

  def put_new_lazy(list, key, fun) when is_list(list) and is_atom(key) do
    if Keyword.has_key?(list, key), do: list, else: [{key, fun.()} | list]
  end

  def pop_lazy(list, key, fun) when is_list(list) and is_atom(key) do
    case Keyword.fetch(list, key) do
      {:ok, value} -> {value, Keyword.delete(list, key)}
      :error -> {fun.(), list}
    end
  end

  def pop_first(list, key, default \\ nil) when is_list(list) and is_atom(key) do
    case List.keytake(list, key, 0) do
      {{_, value}, rest} -> {value, rest}
      nil -> {default, list}
    end
  end

  def pop_values(list, key) when is_list(list) and is_atom(key) do
    {Keyword.get_values(list, key), Keyword.delete(list, key)}
  end

  def from_keys(keys, value) when is_list(keys), do: Enum.map(keys, fn key -> {key, value} end)

  def equal?(left, right) when is_list(left) and is_list(right), do: Enum.sort(left) == Enum.sort(right)

  # merge/3: a key of keywords2 found in keywords1 is combined with its first value there (and
  # dropped from keywords1); the merged pairs follow what remains of keywords1
  def merge(keywords1, keywords2, fun) when is_list(keywords1) and is_list(keywords2) and is_function(fun, 3) do
    merge_pairs(keywords2, [], keywords1, keywords1, fun)
  end

  defp merge_pairs([{key, value2} | tail], acc, rest, original, fun) when is_atom(key) do
    case :lists.keyfind(key, 1, original) do
      {^key, value1} ->
        merge_pairs(tail, [{key, fun.(key, value1, value2)} | acc], Keyword.delete(rest, key), :lists.keydelete(key, 1, original), fun)

      false ->
        merge_pairs(tail, [{key, value2} | acc], rest, original, fun)
    end
  end

  defp merge_pairs([], acc, rest, _original, _fun), do: rest ++ :lists.reverse(acc)

  # get_and_update/3: the first pair of `key` is replaced in place (later ones stay); an absent
  # key is prepended
  def get_and_update(list, key, fun) when is_list(list) and is_atom(key), do: get_and_update(list, [], key, fun)

  defp get_and_update([{key, current} | t], acc, key, fun) do
    case fun.(current) do
      {get, value} -> {get, :lists.reverse(acc, [{key, value} | t])}
      :pop -> {current, :lists.reverse(acc, t)}
    end
  end

  defp get_and_update([{_, _} = h | t], acc, key, fun), do: get_and_update(t, [h | acc], key, fun)

  defp get_and_update([], acc, key, fun) do
    case fun.(nil) do
      {get, value} -> {get, [{key, value} | :lists.reverse(acc)]}
      :pop -> {nil, :lists.reverse(acc)}
    end
  end

  def get_and_update!(list, key, fun) when is_list(list) and is_atom(key) do
    if Keyword.has_key?(list, key), do: get_and_update(list, [], key, fun), else: raise(KeyError, key: key, term: list)
  end
end
