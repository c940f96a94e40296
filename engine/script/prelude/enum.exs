# Over 800 lines: the Enumerable protocol and the two modules built on it. Enum alone is ~850
# lines (Elixir's own lib/enum.ex is over 4,000); Stream (from line ~960) could move to its own
# file, as keyword.exs and string.exs did from kernel.exs, and is the next split if this grows.
# Prelude: Enumerable, Enum and Stream, written in the scenario language so that callbacks run
# on the VM's heap stack and may block (Enum.map(tasks, &Task.await/1)).
#
# A stream is any function of arity 2 following Enumerable.reduce/3's contract:
#   fn {:cont, acc} | {:halt, acc}, reducer -> {:done, acc} | {:halted, acc} end
# (Task.async_stream returns one, as in Elixir). Suspension is not supported.

defmodule Enumerable do
  def reduce(list, acc, fun) when is_list(list), do: reduce_list(list, acc, fun)

  def reduce(%{__struct__: Range, first: first, last: last, step: step}, acc, fun) do
    reduce_range(first, last, step, acc, fun)
  end

  def reduce(%{__struct__: MapSet} = set, acc, fun), do: reduce_list(MapSet.to_list(set), acc, fun)
  def reduce(%{__struct__: Date.Range} = range, acc, fun), do: Date.Range.__reduce__(range, acc, fun)
  def reduce(%{__struct__: Stream, enum: enum, funs: funs}, acc, fun), do: Tasklens.VM.stream_reduce(enum, funs, acc, fun)
  def reduce(%{__struct__: _} = other, acc, fun), do: impl!(other).reduce(other, acc, fun)
  def reduce(map, acc, fun) when is_map(map), do: reduce_list(Tasklens.VM.map_to_list(map), acc, fun)
  def reduce(stream, acc, fun) when is_function(stream, 2), do: stream.(acc, fun)
  def reduce(other, _acc, _fun), do: Tasklens.VM.undefined_protocol(Enumerable, other)

  def member?(list, x) when is_list(list), do: {:ok, Tasklens.VM.list_member(x, list)}

  def member?(%{__struct__: Range, first: first, last: last, step: step}, x) do
    cond do
      not is_integer(x) -> {:ok, false}
      step > 0 -> {:ok, x >= first and x <= last and rem(x - first, step) == 0}
      true -> {:ok, x <= first and x >= last and rem(first - x, -step) == 0}
    end
  end

  def member?(%{__struct__: MapSet} = set, x), do: {:ok, MapSet.member?(set, x)}
  def member?(%{__struct__: Date.Range} = range, x), do: {:ok, Date.Range.__member__(range, x)}

  def member?(map, {k, v}) when is_map(map) and not is_map_key(map, :__struct__) do
    case map do
      %{^k => ^v} -> {:ok, true}
      _ -> {:ok, false}
    end
  end

  def member?(map, _) when is_map(map) and not is_map_key(map, :__struct__), do: {:ok, false}
  def member?(%{__struct__: _} = other, x) do
    case Tasklens.VM.protocol_impl_for(Enumerable, other) do
      nil -> Tasklens.VM.undefined_protocol(Enumerable, other)
      impl -> impl.member?(other, x)
    end
  end
  def member?(f, _) when is_function(f), do: {:error, __MODULE__}
  def member?(other, _), do: Tasklens.VM.undefined_protocol(Enumerable, other)

  def count(list) when is_list(list), do: {:ok, length(list)}
  def count(%{__struct__: Range} = range), do: {:ok, Tasklens.VM.range_size(range)}
  def count(%{__struct__: MapSet} = set), do: {:ok, MapSet.size(set)}
  def count(%{__struct__: Date.Range} = range), do: {:ok, Date.Range.__count__(range)}
  def count(map) when is_map(map) and not is_map_key(map, :__struct__), do: {:ok, map_size(map)}
  def count(%{__struct__: _} = other) do
    case Tasklens.VM.protocol_impl_for(Enumerable, other) do
      nil -> Tasklens.VM.undefined_protocol(Enumerable, other)
      impl -> impl.count(other)
    end
  end
  def count(f) when is_function(f), do: {:error, __MODULE__}
  def count(other), do: Tasklens.VM.undefined_protocol(Enumerable, other)

  def slice(%{__struct__: _} = other) do
    case Tasklens.VM.protocol_impl_for(Enumerable, other) do
      nil -> Tasklens.VM.undefined_protocol(Enumerable, other)
      impl -> impl.slice(other)
    end
  end
  def slice(other) when is_function(other) or is_list(other) or is_map(other), do: {:error, __MODULE__}
  def slice(other), do: Tasklens.VM.undefined_protocol(Enumerable, other)

  def __protocol__(:module), do: Enumerable
  def __protocol__(:functions), do: [count: 1, member?: 2, reduce: 3, slice: 1]
  def __protocol__(:consolidated?), do: false
  def __protocol__(:impls), do: :not_consolidated
  def impl_for(data), do: Tasklens.VM.protocol_impl_for(Enumerable, data)

  # a user struct's defimpl Enumerable
  defp impl!(struct) do
    case Tasklens.VM.protocol_impl_for(Enumerable, struct) do
      nil -> Tasklens.VM.undefined_protocol(Enumerable, struct)
      impl -> impl
    end
  end

  defp reduce_list(_list, {:halt, acc}, _fun), do: {:halted, acc}
  defp reduce_list([], {:cont, acc}, _fun), do: {:done, acc}
  defp reduce_list([h | t], {:cont, acc}, fun), do: reduce_list(t, fun.(h, acc), fun)
  defp reduce_list(list, {:suspend, acc}, fun), do: {:suspended, acc, fn next -> reduce_list(list, next, fun) end}

  defp reduce_range(_first, _last, _step, {:halt, acc}, _fun), do: {:halted, acc}
  defp reduce_range(first, last, step, {:suspend, acc}, fun) do
    {:suspended, acc, fn next -> reduce_range(first, last, step, next, fun) end}
  end

  defp reduce_range(first, last, step, {:cont, acc}, fun) do
    if (step > 0 and first > last) or (step < 0 and first < last) do
      {:done, acc}
    else
      reduce_range(first + step, last, step, fun.(first, acc), fun)
    end
  end
end

# Enumerable.List.reduce/3 and friends, which implementations often delegate to.
defmodule Enumerable.List do
  def reduce(list, acc, fun), do: Enumerable.reduce(list, acc, fun)
  def count(list), do: Enumerable.count(list)
  def member?(list, x), do: Enumerable.member?(list, x)
  def slice(_list), do: {:error, Enumerable.List}
end

defmodule Enum do
  # ---- the core: reductions that may stop early
  def reduce(list, acc, fun) when is_list(list), do: reduce_list(list, acc, fun)

  # A range is walked, never materialised; a plain map goes in maps:fold order, as in Elixir.
  def reduce(%{__struct__: Range, first: first, last: last, step: step}, acc, fun) do
    reduce_range(first, last, step, acc, fun)
  end

  def reduce(map, acc, fun) when is_map(map) and not is_map_key(map, :__struct__) do
    reduce_list(Tasklens.VM.map_fold_list(map), acc, fun)
  end

  def reduce(enum, acc, fun) do
    {_, result} = Enumerable.reduce(enum, {:cont, acc}, fn x, a -> {:cont, fun.(x, a)} end)
    result
  end

  def reduce(enum, fun) do
    result =
      reduce(enum, :__tasklens_empty__, fn
        x, :__tasklens_empty__ -> {:value, x}
        x, {:value, acc} -> {:value, fun.(x, acc)}
      end)

    case result do
      {:value, v} -> v
      :__tasklens_empty__ -> raise Enum.EmptyError
    end
  end

  defp reduce_list([h | t], acc, fun), do: reduce_list(t, fun.(h, acc), fun)
  defp reduce_list([], acc, _fun), do: acc

  defp reduce_range(first, last, step, acc, fun) when step > 0 and first <= last,
    do: reduce_range(first + step, last, step, fun.(first, acc), fun)

  defp reduce_range(first, last, step, acc, fun) when step < 0 and first >= last,
    do: reduce_range(first + step, last, step, fun.(first, acc), fun)

  defp reduce_range(_first, _last, _step, acc, _fun), do: acc

  # The elements in the order Elixir's Enum.reduce visits them (maps:fold order for a map).
  defp fold_list(list) when is_list(list), do: list
  defp fold_list(map) when is_map(map) and not is_map_key(map, :__struct__), do: Tasklens.VM.map_fold_list(map)
  defp fold_list(enum), do: to_list(enum)

  def reduce_while(enum, acc, fun) do
    {_, result} = Enumerable.reduce(enum, {:cont, acc}, fun)
    result
  end

  def to_list(list) when is_list(list), do: list
  def to_list(%{__struct__: Range, first: first, last: last, step: step}), do: Tasklens.VM.range_to_list(first, last, step)
  def to_list(map) when is_map(map) and not is_map_key(map, :__struct__), do: Tasklens.VM.map_to_list(map)
  def to_list(enum), do: :lists.reverse(reduce(enum, [], fn x, acc -> [x | acc] end))

  # ---- mapping and filtering
  # Built with tail calls and a reverse, so frames stay flat however long the list.
  def map(list, fun) when is_list(list), do: map_list(list, fun)

  def map(%{__struct__: Range, first: first, last: last, step: step}, fun) do
    :lists.reverse(map_range(first, last, step, fun, []))
  end

  def map(enum, fun), do: map_list(fold_list(enum), fun)

  # one closure call per element (a reduce_range with a wrapping fn made two)
  defp map_range(first, last, step, fun, acc) when step > 0 and first <= last,
    do: map_range(first + step, last, step, fun, [fun.(first) | acc])

  defp map_range(first, last, step, fun, acc) when step < 0 and first >= last,
    do: map_range(first + step, last, step, fun, [fun.(first) | acc])

  defp map_range(_first, _last, _step, _fun, acc), do: acc

  defp map_list(list, fun), do: map_list(list, fun, [])
  defp map_list([h | t], fun, acc), do: map_list(t, fun, [fun.(h) | acc])
  defp map_list([], _fun, acc), do: :lists.reverse(acc)

  def each(list, fun) when is_list(list) do
    each_list(list, fun)
    :ok
  end

  def each(enum, fun) do
    reduce(enum, nil, fn x, _ ->
      fun.(x)
      nil
    end)

    :ok
  end

  defp each_list([h | t], fun) do
    fun.(h)
    each_list(t, fun)
  end

  defp each_list([], _fun), do: :ok

  def filter(enum, fun), do: :lists.reverse(reduce(enum, [], fn x, acc -> if fun.(x), do: [x | acc], else: acc end))
  def reject(enum, fun), do: :lists.reverse(reduce(enum, [], fn x, acc -> if fun.(x), do: acc, else: [x | acc] end))

  def flat_map(enum, fun) do
    :lists.reverse(reduce(enum, [], fn x, acc -> :lists.reverse(to_list(fun.(x)), acc) end))
  end

  def map_reduce(enum, acc, fun) do
    {list, acc} =
      reduce(enum, {[], acc}, fn x, {list, acc} ->
        {v, acc} = fun.(x, acc)
        {[v | list], acc}
      end)

    {:lists.reverse(list), acc}
  end

  def scan(enum, fun) do
    {list, _} =
      reduce(enum, {[], :__tasklens_empty__}, fn
        x, {list, :__tasklens_empty__} -> {[x | list], {:value, x}}
        x, {list, {:value, acc}} ->
          v = fun.(x, acc)
          {[v | list], {:value, v}}
      end)

    :lists.reverse(list)
  end

  def scan(enum, acc, fun) do
    {list, _} =
      reduce(enum, {[], acc}, fn x, {list, acc} ->
        v = fun.(x, acc)
        {[v | list], v}
      end)

    :lists.reverse(list)
  end

  def with_index(enum, offset \\ 0)

  def with_index(enum, fun) when is_function(fun, 2) do
    {list, _} = map_reduce(enum, 0, fn x, i -> {fun.(x, i), i + 1} end)
    list
  end

  def with_index(enum, offset) do
    {list, _} = map_reduce(enum, offset, fn x, i -> {{x, i}, i + 1} end)
    list
  end

  def each_with_index(enum, fun), do: each(with_index(enum), fn {x, i} -> fun.(x, i) end)

  # Lists zip directly; other enumerables (infinite streams too) are pulled one element at a
  # time through Stream.zip, so the shortest one ends the zip, as in Elixir.
  def zip(a, b) when is_list(a) and is_list(b), do: zip_lists(a, b)
  def zip(a, b), do: to_list(Stream.zip([a, b]))
  def zip([]), do: []

  def zip(enums) do
    if all?(enums, &is_list/1), do: zip_many(enums), else: to_list(Stream.zip(enums))
  end

  defp zip_many(lists) do
    if any?(lists, fn l -> l == [] end) do
      []
    else
      [List.to_tuple(map(lists, &hd/1)) | zip_many(map(lists, &tl/1))]
    end
  end

  defp zip_lists([a | as], [b | bs]), do: [{a, b} | zip_lists(as, bs)]
  defp zip_lists(_, _), do: []

  def zip_with(a, b, fun), do: map(zip(a, b), fn {x, y} -> fun.(x, y) end)
  def zip_with(enums, fun), do: map(zip(enums), fn t -> fun.(Tuple.to_list(t)) end)

  def unzip(enum) do
    {as, bs} = reduce(enum, {[], []}, fn {a, b}, {as, bs} -> {[a | as], [b | bs]} end)
    {:lists.reverse(as), :lists.reverse(bs)}
  end

  # ---- taking and dropping
  def take(_enum, 0), do: []

  def take(list, n) when is_list(list) and is_integer(n) and n > 0, do: take_list(list, n)

  def take(enum, n) when is_integer(n) and n > 0 do
    {_, {list, _}} =
      Enumerable.reduce(enum, {:cont, {[], n}}, fn x, {list, left} ->
        if left > 1, do: {:cont, {[x | list], left - 1}}, else: {:halt, {[x | list], 0}}
      end)

    :lists.reverse(list)
  end

  def take(enum, n) when is_integer(n) and n < 0 do
    list = to_list(enum)
    drop(list, Kernel.max(length(list) + n, 0))
  end

  def take(_enum, _n), do: Tasklens.VM.function_clause(Enum, :take, 2)

  defp take_list([h | t], n) when n > 0, do: [h | take_list(t, n - 1)]
  defp take_list(_, _), do: []

  def drop(enum, n) when is_integer(n) and n >= 0, do: drop_list(to_list(enum), n)

  def drop(enum, n) when is_integer(n) and n < 0 do
    list = to_list(enum)
    take_list(list, Kernel.max(length(list) + n, 0))
  end

  def drop(_enum, _n), do: Tasklens.VM.function_clause(Enum, :drop, 2)

  defp drop_list([_ | t], n) when n > 0, do: drop_list(t, n - 1)
  defp drop_list(list, _), do: list

  def take_while(enum, fun) do
    {_, list} =
      Enumerable.reduce(enum, {:cont, []}, fn x, acc ->
        if fun.(x), do: {:cont, [x | acc]}, else: {:halt, acc}
      end)

    :lists.reverse(list)
  end

  def drop_while(enum, fun), do: drop_while_list(to_list(enum), fun)
  defp drop_while_list([h | t] = list, fun), do: if(fun.(h), do: drop_while_list(t, fun), else: list)
  defp drop_while_list([], _fun), do: []

  def split(enum, n) when n >= 0 do
    list = to_list(enum)
    {take_list(list, n), drop_list(list, n)}
  end

  def split(enum, n) do
    list = to_list(enum)
    split(list, Kernel.max(length(list) + n, 0))
  end

  def split_while(enum, fun) do
    list = to_list(enum)
    {take_while(list, fun), drop_while(list, fun)}
  end

  def split_with(enum, fun) do
    {yes, no} = reduce(enum, {[], []}, fn x, {yes, no} -> if fun.(x), do: {[x | yes], no}, else: {yes, [x | no]} end)
    {:lists.reverse(yes), :lists.reverse(no)}
  end

  def chunk_every(enum, count), do: chunk_every(enum, count, count, [])
  def chunk_every(enum, count, step), do: chunk_every(enum, count, step, [])

  def chunk_every(enum, count, step, leftover)
      when is_integer(count) and count > 0 and is_integer(step) and step > 0 do
    chunk_list(to_list(enum), count, step, leftover)
  end

  def chunk_every(_enum, _count, _step, _leftover), do: Tasklens.VM.function_clause(Enum, :chunk_every, 4)

  defp chunk_list([], _count, _step, _leftover), do: []

  defp chunk_list(list, count, step, leftover) do
    chunk = take_list(list, count)
    len = length(chunk)

    cond do
      len == count ->
        rest = drop_list(list, step)
        if rest == [] or length(list) <= count and step >= count, do: [chunk], else: [chunk | chunk_list(rest, count, step, leftover)]

      leftover == :discard ->
        []

      true ->
        [chunk ++ take_list(to_list(leftover), count - len)]
    end
  end

  def chunk_while(enum, acc, chunk_fun, after_fun), do: to_list(Stream.chunk_while(enum, acc, chunk_fun, after_fun))
  def take_every(enum, nth) when is_integer(nth) and nth >= 0, do: to_list(Stream.take_every(enum, nth))
  def map_every(enum, nth, fun) when is_integer(nth) and nth >= 0, do: to_list(Stream.map_every(enum, nth, fun))
  def dedup_by(enum, fun), do: to_list(Stream.dedup_by(enum, fun))
  def map_intersperse(enum, separator, mapper), do: intersperse(map(enum, mapper), separator)

  def flat_map_reduce(enum, acc, fun) do
    {lists, acc} =
      reduce_while(enum, {[], acc}, fn x, {lists, acc} ->
        case fun.(x, acc) do
          {:halt, acc} -> {:halt, {lists, acc}}
          {list, acc} -> {:cont, {[to_list(list) | lists], acc}}
        end
      end)

    {concat(:lists.reverse(lists)), acc}
  end

  def min_max_by(enum, fun), do: {min_by(enum, fun), max_by(enum, fun)}

  def min_max_by(enum, fun, empty_fallback) when is_function(empty_fallback, 0) do
    case to_list(enum) do
      [] -> empty_fallback.()
      list -> {min_by(list, fun), max_by(list, fun)}
    end
  end

  def min_max_by(enum, fun, sorter), do: {min_by(enum, fun, sorter), max_by(enum, fun, sorter)}

  def min_max_by(enum, fun, sorter, empty_fallback) do
    case to_list(enum) do
      [] -> empty_fallback.()
      list -> {min_by(list, fun, sorter), max_by(list, fun, sorter)}
    end
  end

  def count_until(enum, limit) when is_integer(limit) and limit > 0 do
    reduce_while(enum, 0, fn _, n -> if n + 1 >= limit, do: {:halt, n + 1}, else: {:cont, n + 1} end)
  end

  def count_until(enum, fun, limit) when is_integer(limit) and limit > 0 do
    reduce_while(enum, 0, fn x, n ->
      n = if fun.(x), do: n + 1, else: n
      if n >= limit, do: {:halt, n}, else: {:cont, n}
    end)
  end

  def zip_reduce(left, right, acc, fun), do: reduce(zip(left, right), acc, fn {x, y}, acc -> fun.(x, y, acc) end)
  def zip_reduce(enums, acc, fun), do: reduce(zip(enums), acc, fn t, acc -> fun.(Tuple.to_list(t), acc) end)

  def reverse_slice(enum, start, count) when is_integer(start) and start >= 0 and is_integer(count) and count >= 0 do
    list = to_list(enum)
    {front, rest} = :lists.split(Kernel.min(start, length(list)), list)
    {middle, back} = :lists.split(Kernel.min(count, length(rest)), rest)
    front ++ :lists.reverse(middle) ++ back
  end

  def drop_every(enum, nth) when is_integer(nth) and nth >= 0 do
    case nth do
      0 -> to_list(enum)
      1 -> []
      _ -> enum |> to_list() |> with_index() |> reject(fn {_, i} -> rem(i, nth) == 0 end) |> map(fn {x, _} -> x end)
    end
  end

  def chunk_by(enum, fun) do
    list = to_list(enum)

    case list do
      [] -> []
      [h | t] -> chunk_by_list(t, fun, fun.(h), [h], [])
    end
  end

  defp chunk_by_list([], _fun, _key, current, acc), do: :lists.reverse([:lists.reverse(current) | acc])

  defp chunk_by_list([h | t], fun, key, current, acc) do
    k = fun.(h)
    if k == key, do: chunk_by_list(t, fun, key, [h | current], acc), else: chunk_by_list(t, fun, k, [h], [:lists.reverse(current) | acc])
  end

  # ---- searching
  def find(enum, default \\ nil, fun) do
    {_, result} =
      Enumerable.reduce(enum, {:cont, default}, fn x, acc ->
        if fun.(x), do: {:halt, x}, else: {:cont, acc}
      end)

    result
  end

  def find_value(enum, default \\ nil, fun) do
    {_, result} =
      Enumerable.reduce(enum, {:cont, default}, fn x, acc ->
        v = fun.(x)
        if v, do: {:halt, v}, else: {:cont, acc}
      end)

    result
  end

  def find_index(enum, fun) do
    {_, {result, _}} =
      Enumerable.reduce(enum, {:cont, {nil, 0}}, fn x, {_, i} ->
        if fun.(x), do: {:halt, {i, i}}, else: {:cont, {nil, i + 1}}
      end)

    result
  end

  def any?(enum), do: any?(enum, fn x -> x end)

  def any?(enum, fun) do
    {_, result} = Enumerable.reduce(enum, {:cont, false}, fn x, _ -> if fun.(x), do: {:halt, true}, else: {:cont, false} end)
    result
  end

  def all?(enum), do: all?(enum, fn x -> x end)

  def all?(enum, fun) do
    {_, result} = Enumerable.reduce(enum, {:cont, true}, fn x, _ -> if fun.(x), do: {:cont, true}, else: {:halt, false} end)
    result
  end

  def member?(enum, x) do
    case Enumerable.member?(enum, x) do
      {:ok, result} -> result
      _ -> any?(enum, fn y -> y === x end)
    end
  end

  def empty?(enum) do
    case Enumerable.count(enum) do
      {:ok, n} -> n == 0
      _ -> not any?(enum, fn _ -> true end)
    end
  end

  def count(enum) do
    case Enumerable.count(enum) do
      {:ok, n} -> n
      _ -> reduce(enum, 0, fn _, n -> n + 1 end)
    end
  end

  def count(enum, fun), do: reduce(enum, 0, fn x, n -> if fun.(x), do: n + 1, else: n end)

  def at(enum, index, default \\ nil)

  # A range is indexed arithmetically, as Enumerable.Range's slice/1 does: Enum.at(1..10**12, 5)
  # must not build the list.
  def at(%{__struct__: Range, first: first, step: step} = range, index, default) when is_integer(index) do
    case range_index(range, index) do
      {:ok, i} -> first + i * step
      :error -> default
    end
  end

  def at(enum, index, default) do
    list = to_list(enum)
    index = if index < 0, do: length(list) + index, else: index
    if index < 0, do: default, else: at_list(list, index, default)
  end

  defp range_index(range, index) do
    size = Range.size(range)
    index = if index < 0, do: size + index, else: index
    if index >= 0 and index < size, do: {:ok, index}, else: :error
  end

  defp at_list([h | _], 0, _default), do: h
  defp at_list([_ | t], i, default), do: at_list(t, i - 1, default)
  defp at_list([], _, default), do: default

  def fetch(%{__struct__: Range, first: first, step: step} = range, index) when is_integer(index) do
    case range_index(range, index) do
      {:ok, i} -> {:ok, first + i * step}
      :error -> :error
    end
  end

  def fetch(enum, index) do
    list = to_list(enum)
    index = if index < 0, do: length(list) + index, else: index

    if index >= 0 and index < length(list) do
      {:ok, at_list(list, index, nil)}
    else
      :error
    end
  end

  def fetch!(enum, index) do
    case fetch(enum, index) do
      {:ok, v} -> v
      :error -> raise Enum.OutOfBoundsError, "out of bounds error"
    end
  end

  # ---- aggregates
  def sum(enum), do: reduce(enum, 0, fn x, acc -> acc + x end)
  def product(enum), do: reduce(enum, 1, fn x, acc -> acc * x end)

  def min(enum), do: min(enum, fn -> raise Enum.EmptyError end)

  def min(enum, empty_fallback) when is_function(empty_fallback, 0) do
    case to_list(enum) do
      [] -> empty_fallback.()
      [h | t] -> reduce_list(t, h, fn x, acc -> if x < acc, do: x, else: acc end)
    end
  end

  def min(enum, sorter), do: min(enum, sorter, fn -> raise Enum.EmptyError end)

  # a sorter is a fun(a, b) (keep a when true) or a module with compare/2 (Date, ...)
  def min(enum, sorter, empty_fallback) do
    sorter = min_max_sorter(sorter, :gt)

    case to_list(enum) do
      [] -> empty_fallback.()
      [h | t] -> reduce_list(t, h, fn x, acc -> if sorter.(acc, x), do: acc, else: x end)
    end
  end

  def max(enum), do: max(enum, fn -> raise Enum.EmptyError end)

  def max(enum, empty_fallback) when is_function(empty_fallback, 0) do
    case to_list(enum) do
      [] -> empty_fallback.()
      [h | t] -> reduce_list(t, h, fn x, acc -> if x > acc, do: x, else: acc end)
    end
  end

  def max(enum, sorter), do: max(enum, sorter, fn -> raise Enum.EmptyError end)

  def max(enum, sorter, empty_fallback) do
    sorter = min_max_sorter(sorter, :lt)

    case to_list(enum) do
      [] -> empty_fallback.()
      [h | t] -> reduce_list(t, h, fn x, acc -> if sorter.(acc, x), do: acc, else: x end)
    end
  end

  defp min_max_sorter(fun, _not) when is_function(fun, 2), do: fun
  defp min_max_sorter(module, bad) when is_atom(module), do: fn a, b -> module.compare(a, b) != bad end

  # min_by/max_by take a sorter (a fun of arity 2 or a module with compare/2) and/or an
  # empty_fallback, as Elixir 1.14's min_by/4 and max_by/4
  def min_by(enum, fun), do: by_aggregate(enum, fun, nil, fn -> raise Enum.EmptyError end, :min)

  def min_by(enum, fun, empty_fallback) when is_function(empty_fallback, 0) do
    by_aggregate(enum, fun, nil, empty_fallback, :min)
  end

  def min_by(enum, fun, sorter), do: by_aggregate(enum, fun, sorter, fn -> raise Enum.EmptyError end, :min)
  def min_by(enum, fun, sorter, empty_fallback), do: by_aggregate(enum, fun, sorter, empty_fallback, :min)

  def max_by(enum, fun), do: by_aggregate(enum, fun, nil, fn -> raise Enum.EmptyError end, :max)

  def max_by(enum, fun, empty_fallback) when is_function(empty_fallback, 0) do
    by_aggregate(enum, fun, nil, empty_fallback, :max)
  end

  def max_by(enum, fun, sorter), do: by_aggregate(enum, fun, sorter, fn -> raise Enum.EmptyError end, :max)
  def max_by(enum, fun, sorter, empty_fallback), do: by_aggregate(enum, fun, sorter, empty_fallback, :max)

  defp by_aggregate(enum, fun, sorter, empty_fallback, which) do
    keep? =
      case {sorter, which} do
        {nil, :min} -> fn k, kx -> k <= kx end
        {nil, :max} -> fn k, kx -> k >= kx end
        {s, :min} -> min_max_sorter(s, :gt)
        {s, :max} -> min_max_sorter(s, :lt)
      end

    case fold_list(enum) do
      [] ->
        empty_fallback.()

      [h | t] ->
        {v, _} = reduce_list(t, {h, fun.(h)}, fn x, {_, k} = acc -> kx = fun.(x); if keep?.(k, kx), do: acc, else: {x, kx} end)
        v
    end
  end

  def min_max(enum), do: {min(enum), max(enum)}

  def min_max(enum, empty_fallback) when is_function(empty_fallback, 0) do
    case to_list(enum) do
      [] -> empty_fallback.()
      list -> {min(list), max(list)}
    end
  end

  def frequencies(enum) do
    reduce(enum, %{}, fn x, acc -> Map.put(acc, x, Map.get(acc, x, 0) + 1) end)
  end

  def frequencies_by(enum, fun) do
    reduce(enum, %{}, fn x, acc ->
      k = fun.(x)
      Map.put(acc, k, Map.get(acc, k, 0) + 1)
    end)
  end

  def group_by(enum, key_fun, value_fun \\ fn x -> x end) do
    enum
    |> fold_list()
    |> :lists.reverse()
    |> reduce_list(%{}, fn x, acc ->
      k = key_fun.(x)
      Map.put(acc, k, [value_fun.(x) | Map.get(acc, k, [])])
    end)
  end

  def uniq(enum), do: uniq_by(enum, fn x -> x end)

  def uniq_by(enum, fun) do
    {list, _} =
      reduce(enum, {[], %{}}, fn x, {list, seen} ->
        k = fun.(x)
        if Map.has_key?(seen, k), do: {list, seen}, else: {[x | list], Map.put(seen, k, true)}
      end)

    :lists.reverse(list)
  end

  def dedup(enum) do
    enum
    |> to_list()
    |> reduce_list([], fn
      x, [x | _] = acc -> acc
      x, acc -> [x | acc]
    end)
    |> :lists.reverse()
  end

  def reverse(enum), do: :lists.reverse(to_list(enum))
  def reverse(enum, tail), do: :lists.reverse(to_list(enum), to_list(tail))

  def concat(enums), do: flat_map(enums, &to_list/1)
  def concat(a, b), do: to_list(a) ++ to_list(b)

  def intersperse(enum, sep) do
    case to_list(enum) do
      [] -> []
      [h | t] -> [h | flat_map(t, fn x -> [sep, x] end)]
    end
  end

  # ---- sorting
  def sort(enum), do: Tasklens.VM.sort(to_list(enum))
  def sort(enum, :asc), do: Tasklens.VM.sort(to_list(enum))
  def sort(enum, :desc), do: Tasklens.VM.sort_desc(to_list(enum))
  def sort(enum, fun) when is_function(fun, 2), do: merge_sort(to_list(enum), fun)
  def sort(enum, sorter), do: merge_sort(to_list(enum), to_sort_fun(sorter))

  # {:asc | :desc, module} or a module with compare/2, as Elixir 1.10+ accepts
  defp to_sort_fun({:asc, module}) when is_atom(module), do: fn a, b -> module.compare(a, b) != :gt end
  defp to_sort_fun({:desc, module}) when is_atom(module), do: fn a, b -> module.compare(a, b) != :lt end
  defp to_sort_fun(module) when is_atom(module), do: fn a, b -> module.compare(a, b) != :gt end

  def sort_by(enum, mapper, sorter \\ :asc) do
    pairs = map(fold_list(enum), fn x -> {mapper.(x), x} end)

    sorted =
      case sorter do
        :asc -> Tasklens.VM.keysort(pairs)
        :desc -> Tasklens.VM.keysort_desc(pairs)
        fun when is_function(fun, 2) -> merge_sort(pairs, fn {a, _}, {b, _} -> fun.(a, b) end)
        other -> (fun = to_sort_fun(other); merge_sort(pairs, fn {a, _}, {b, _} -> fun.(a, b) end))
      end

    map(sorted, fn {_, x} -> x end)
  end

  defp merge_sort([], _fun), do: []
  defp merge_sort([x], _fun), do: [x]

  defp merge_sort(list, fun) do
    {left, right} = :lists.split(div(length(list), 2), list)
    merge(merge_sort(left, fun), merge_sort(right, fun), fun)
  end

  defp merge([], right, _fun), do: right
  defp merge(left, [], _fun), do: left

  defp merge([l | ls] = left, [r | rs] = right, fun) do
    # :lists.sort/2 matches the result against true and false: anything else is a CaseClauseError.
    case fun.(l, r) do
      true -> [l | merge(ls, right, fun)]
      false -> [r | merge(left, rs, fun)]
    end
  end

  # ---- strings and collections
  def join(enum, joiner \\ "") do
    enum |> to_list() |> map_list(&join_entry/1) |> Tasklens.VM.join(joiner)
  end

  # a struct is joined through its String.Chars implementation
  defp join_entry(%{__struct__: _} = struct), do: String.Chars.to_string(struct)
  defp join_entry(entry), do: Tasklens.VM.chardata_to_string(entry)

  def map_join(enum, joiner \\ "", mapper) do
    enum |> fold_list() |> map_list(fn x -> join_entry(mapper.(x)) end) |> Tasklens.VM.join(joiner)
  end

  def into(enum, %{__struct__: _} = collectable) do
    case Tasklens.VM.protocol_impl_for(Collectable, collectable) do
      nil -> Tasklens.VM.into(to_list(enum), collectable)
      impl -> Collectable.__collect__(enum, impl, collectable)
    end
  end

  def into(enum, collectable), do: Tasklens.VM.into(to_list(enum), collectable)
  def into(enum, collectable, transform), do: into(map(enum, transform), collectable)

  # random/shuffle/take_random draw from :rand exactly as Elixir 1.14 does, so a seeded run
  # (:rand.seed(:exsss, ...)) picks the same elements as on the BEAM.
  def random(enum) do
    list = to_list(enum)
    case length(list) do
      0 -> raise Enum.EmptyError
      n -> :lists.nth(random_integer(0, n - 1) + 1, list)
    end
  end

  def shuffle(enum) do
    randomized = reduce(enum, [], fn x, acc -> [{:rand.uniform(), x} | acc] end)
    shuffle_unwrap(:lists.keysort(1, randomized), [])
  end

  defp shuffle_unwrap([{_, h} | rest], t), do: shuffle_unwrap(rest, [h | t])
  defp shuffle_unwrap([], t), do: t

  def take_random(_enum, 0), do: []
  def take_random([], _), do: []
  def take_random([h | t], 1), do: take_random_list_one(t, h, 1)

  def take_random(enum, 1) do
    result =
      reduce(enum, [], fn
        x, [current | index] ->
          if :rand.uniform(index + 1) == 1, do: [x | index + 1], else: [current | index + 1]

        x, [] ->
          [x | 1]
      end)

    case result do
      [] -> []
      [current | _index] -> [current]
    end
  end

  def take_random(enum, count) when is_integer(count) and count >= 0 do
    reducer = fn elem, {idx, sample} ->
      jdx = random_integer(0, idx)

      cond do
        idx < count ->
          value = Map.get(sample, jdx)
          {idx + 1, Map.put(Map.put(sample, idx, value), jdx, elem)}

        jdx < count ->
          {idx + 1, Map.put(sample, jdx, elem)}

        true ->
          {idx + 1, sample}
      end
    end

    {size, sample} = reduce(enum, {0, %{}}, reducer)
    take_random_collect(sample, Kernel.min(count, size), [])
  end

  defp take_random_collect(_sample, 0, acc), do: acc
  defp take_random_collect(sample, position, acc), do: take_random_collect(sample, position - 1, [Map.get(sample, position - 1) | acc])

  defp take_random_list_one([h | t], current, index) do
    if :rand.uniform(index + 1) == 1 do
      take_random_list_one(t, h, index + 1)
    else
      take_random_list_one(t, current, index + 1)
    end
  end

  defp take_random_list_one([], current, _), do: [current]

  defp random_integer(limit, limit), do: limit
  defp random_integer(lower, upper) when upper < lower, do: random_integer(upper, lower)
  defp random_integer(lower, upper), do: lower + :rand.uniform(upper - lower + 1) - 1

  # Non-negative indices on a non-list are taken lazily (Enum.slice(Stream.cycle(...), 2..5)).
  # A stepped range takes every step-th element of the slice; a decreasing range without an
  # explicit step (`3..1`, step -1) slices as first..last//1, as Elixir 1.14 does.
  def slice(enum, %{__struct__: Range, first: first, last: last, step: step} = range) when step != 1 do
    cond do
      step == -1 and first > last ->
        slice(enum, %{__struct__: Range, first: first, last: last, step: 1})

      step < 0 ->
        raise ArgumentError,
              "Enum.slice/2 does not accept ranges with negative steps, got: #{inspect(range)}"

      true ->
        take_every(slice(enum, %{__struct__: Range, first: first, last: last, step: 1}), step)
    end
  end

  def slice(enum, %{__struct__: Range, first: first, last: last}) when not is_list(enum) and first >= 0 and last >= 0 do
    if last < first, do: [], else: take(Stream.drop(enum, first), last - first + 1)
  end

  def slice(enum, %{__struct__: Range, first: first, last: last}) do
    list = to_list(enum)
    len = length(list)
    first = if first < 0, do: len + first, else: first
    last = if last < 0, do: len + last, else: last
    if first > last or first >= len, do: [], else: take_list(drop_list(list, first), last - first + 1)
  end

  def slice(enum, start, amount) when not is_list(enum) and is_integer(start) and start >= 0 do
    if amount == 0, do: [], else: take(Stream.drop(enum, start), amount)
  end

  def slice(enum, start, amount), do: take_list(drop_list(to_list(enum), start), amount)

  # Enum.slide/3 (Elixir 1.13+): negative indices count from the end, a range past the end is
  # cut, an insertion index inside the moved range is an error.
  def slide(enum, index, insertion_index) when is_integer(index), do: slide(enum, index..index, insertion_index)

  def slide(_enum, %{__struct__: Range, step: step} = range, _insertion_index) when step != 1 do
    raise ArgumentError, "Enum.slide/3 does not accept ranges with custom steps, got: #{inspect(range)}"
  end

  def slide(enum, %{__struct__: Range, first: first, last: last}, insertion_index)
      when first < 0 or last < 0 or insertion_index < 0 do
    size = count(enum)
    first = if first >= 0, do: first, else: Kernel.max(first + size, 0)
    last = if last >= 0, do: last, else: last + size
    insertion_index = if insertion_index >= 0, do: insertion_index, else: insertion_index + size

    if first < size and first != insertion_index do
      slide(enum, %{__struct__: Range, first: first, last: last, step: 1}, insertion_index)
    else
      to_list(enum)
    end
  end

  def slide(enum, %{__struct__: Range, first: first}, first), do: to_list(enum)

  def slide(_enum, %{__struct__: Range, first: first, last: last}, insertion_index)
      when insertion_index > first and insertion_index <= last do
    raise ArgumentError,
          "insertion index for slide must be outside the range being moved (tried to insert #{first}..#{last} at #{insertion_index})"
  end

  def slide(enum, %{__struct__: Range, first: first, last: last}, _insertion_index) when first > last, do: to_list(enum)

  def slide(enum, %{__struct__: Range, first: first, last: last}, insertion_index) do
    list = to_list(enum)

    if insertion_index <= first do
      move_before(list, insertion_index, first, last)
    else
      move_before(list, first, last + 1, insertion_index)
    end
  end

  # Moves the elements at from..to (cut at the end of the list) in front of index `before`.
  defp move_before(list, before, from, to) do
    {head, rest} = split(list, before)
    {passed, rest} = split(rest, from - before)
    {moved, tail} = split(rest, to - from + 1)
    head ++ moved ++ passed ++ tail
  end
end

defmodule Stream do
  def map(enum, fun), do: fn acc, r -> Enumerable.reduce(enum, acc, fn x, a -> r.(fun.(x), a) end) end
  def filter(enum, fun), do: fn acc, r -> Enumerable.reduce(enum, acc, fn x, a -> if fun.(x), do: r.(x, a), else: {:cont, a} end) end
  def reject(enum, fun), do: fn acc, r -> Enumerable.reduce(enum, acc, fn x, a -> if fun.(x), do: {:cont, a}, else: r.(x, a) end) end

  def each(enum, fun) do
    fn acc, r ->
      Enumerable.reduce(enum, acc, fn x, a ->
        fun.(x)
        r.(x, a)
      end)
    end
  end

  def flat_map(enum, fun) do
    fn acc, r ->
      Enumerable.reduce(enum, acc, fn x, a ->
        case Enumerable.reduce(fun.(x), {:cont, a}, r) do
          {:halted, a} -> {:halt, a}
          {_, a} -> {:cont, a}
        end
      end)
    end
  end

  # A stateful stage threads {outer_acc, state} through the inner reduction; `unwrap` turns the
  # inner result back into the outer one (continuations included, for suspension).
  defp stage(enum, {tag, acc}, state, reducer), do: unwrap(Enumerable.reduce(enum, {tag, {acc, state}}, reducer))

  defp unwrap({:done, {acc, _}}), do: {:done, acc}
  defp unwrap({:halted, {acc, _}}), do: {:halted, acc}
  defp unwrap({:suspended, {acc, state}, cont}), do: {:suspended, acc, fn {tag, a} -> unwrap(cont.({tag, {a, state}})) end}

  def with_index(enum, offset \\ 0) do
    fn acc, r ->
      stage(enum, acc, offset, fn x, {a, i} ->
        {tag, a} = r.({x, i}, a)
        {tag, {a, i + 1}}
      end)
    end
  end

  def take(_enum, 0), do: fn {_, acc}, _r -> {:done, acc} end

  def take(enum, n) when n > 0 do
    fn acc, r ->
      stage(enum, acc, n, fn
        _x, {a, 0} ->
          {:halt, {a, 0}}

        x, {a, left} ->
          case r.(x, a) do
            {:cont, a} when left > 1 -> {:cont, {a, left - 1}}
            {:cont, a} -> {:halt, {a, 0}}
            {tag, a} -> {tag, {a, left - 1}}
          end
      end)
    end
  end

  def take_while(enum, fun) do
    fn acc, r ->
      stage(enum, acc, true, fn x, {a, _} ->
        if fun.(x) do
          {tag, a} = r.(x, a)
          {tag, {a, true}}
        else
          {:halt, {a, false}}
        end
      end)
    end
  end

  def drop(enum, n) do
    fn acc, r ->
      stage(enum, acc, n, fn x, {a, left} ->
        if left > 0 do
          {:cont, {a, left - 1}}
        else
          {tag, a} = r.(x, a)
          {tag, {a, 0}}
        end
      end)
    end
  end

  def uniq(enum) do
    fn acc, r ->
      stage(enum, acc, %{}, fn x, {a, seen} ->
        if Map.has_key?(seen, x) do
          {:cont, {a, seen}}
        else
          {tag, a} = r.(x, a)
          {tag, {a, Map.put(seen, x, true)}}
        end
      end)
    end
  end

  def uniq_by(enum, fun) do
    fn acc, r ->
      stage(enum, acc, %{}, fn x, {a, seen} ->
        key = fun.(x)

        if Map.has_key?(seen, key) do
          {:cont, {a, seen}}
        else
          {tag, a} = r.(x, a)
          {tag, {a, Map.put(seen, key, true)}}
        end
      end)
    end
  end

  def duplicate(value, n) when is_integer(n) and n >= 0, do: take(repeatedly(fn -> value end), n)

  def drop_every(enum, 0), do: enum

  def drop_every(enum, nth) when is_integer(nth) and nth > 0 do
    fn acc, r ->
      stage(enum, acc, 0, fn x, {a, i} ->
        if rem(i, nth) == 0 do
          {:cont, {a, i + 1}}
        else
          {tag, a} = r.(x, a)
          {tag, {a, i + 1}}
        end
      end)
    end
  end

  def concat(a, b), do: concat([a, b])
  def concat(enums), do: flat_map(enums, fn e -> e end)

  def run(enum) do
    Enumerable.reduce(enum, {:cont, nil}, fn _, _ -> {:cont, nil} end)
    :ok
  end

  def cycle([]), do: raise(ArgumentError, "cannot cycle over an empty enumerable")

  def cycle(enum) when is_list(enum), do: fn acc, r -> cycle_reduce(enum, enum, acc, r) end

  # Elixir finds out that any other enumerable is empty when the stream runs, not here.
  def cycle(enum) do
    fn acc, r ->
      case Enum.to_list(enum) do
        [] -> raise ArgumentError, "cannot cycle over an empty enumerable"
        list -> cycle_reduce(list, list, acc, r)
      end
    end
  end

  defp cycle_reduce(_list, _all, {:halt, acc}, _r), do: {:halted, acc}
  defp cycle_reduce(list, all, {:suspend, acc}, r), do: {:suspended, acc, fn a -> cycle_reduce(list, all, a, r) end}
  defp cycle_reduce([], all, acc, r), do: cycle_reduce(all, all, acc, r)
  defp cycle_reduce([h | t], all, {:cont, acc}, r), do: cycle_reduce(t, all, r.(h, acc), r)

  def iterate(start, next), do: fn acc, r -> iterate_reduce(start, next, acc, r) end

  defp iterate_reduce(_x, _next, {:halt, acc}, _r), do: {:halted, acc}
  defp iterate_reduce(x, next, {:suspend, acc}, r), do: {:suspended, acc, fn a -> iterate_reduce(x, next, a, r) end}
  defp iterate_reduce(x, next, {:cont, acc}, r), do: iterate_reduce_next(x, next, r.(x, acc), r)
  defp iterate_reduce_next(_x, _next, {:halt, acc}, _r), do: {:halted, acc}
  defp iterate_reduce_next(x, next, {:suspend, acc}, r), do: {:suspended, acc, fn a -> iterate_reduce_next(x, next, a, r) end}
  defp iterate_reduce_next(x, next, acc, r), do: iterate_reduce(next.(x), next, acc, r)

  def repeatedly(fun), do: fn acc, r -> repeatedly_reduce(fun, acc, r) end
  defp repeatedly_reduce(_fun, {:halt, acc}, _r), do: {:halted, acc}
  defp repeatedly_reduce(fun, {:suspend, acc}, r), do: {:suspended, acc, fn a -> repeatedly_reduce(fun, a, r) end}
  defp repeatedly_reduce(fun, {:cont, acc}, r), do: repeatedly_reduce(fun, r.(fun.(), acc), r)

  def unfold(acc0, fun), do: fn acc, r -> unfold_reduce(acc0, fun, acc, r) end
  defp unfold_reduce(_s, _fun, {:halt, acc}, _r), do: {:halted, acc}
  defp unfold_reduce(s, fun, {:suspend, acc}, r), do: {:suspended, acc, fn a -> unfold_reduce(s, fun, a, r) end}

  defp unfold_reduce(s, fun, {:cont, acc}, r) do
    case fun.(s) do
      nil -> {:done, acc}
      {x, s} -> unfold_reduce(s, fun, r.(x, acc), r)
    end
  end

  def interval(ms), do: iterate(0, fn i -> Process.sleep(ms); i + 1 end) |> map(fn i -> i end) |> Tasklens.VM.delay_first(ms)
  def timer(ms), do: repeatedly(fn -> Process.sleep(ms); 0 end) |> take(1)

  def into(enum, _collectable), do: enum

  def take_every(_enum, 0), do: fn {_, acc}, _r -> {:done, acc} end

  def take_every(enum, nth) when is_integer(nth) and nth > 0 do
    fn acc, r ->
      stage(enum, acc, 0, fn x, {a, i} ->
        if rem(i, nth) == 0 do
          {tag, a} = r.(x, a)
          {tag, {a, i + 1}}
        else
          {:cont, {a, i + 1}}
        end
      end)
    end
  end

  def drop_while(enum, fun) do
    fn acc, r ->
      stage(enum, acc, true, fn x, {a, dropping} ->
        if dropping and fun.(x) do
          {:cont, {a, true}}
        else
          {tag, a} = r.(x, a)
          {tag, {a, false}}
        end
      end)
    end
  end

  def dedup(enum), do: dedup_by(enum, fn x -> x end)

  def dedup_by(enum, fun) do
    fn acc, r ->
      stage(enum, acc, :none, fn x, {a, last} ->
        key = fun.(x)

        case last do
          {:last, ^key} ->
            {:cont, {a, last}}

          _ ->
            {tag, a} = r.(x, a)
            {tag, {a, {:last, key}}}
        end
      end)
    end
  end

  def scan(enum, fun) do
    fn acc, r ->
      stage(enum, acc, :first, fn x, {a, state} ->
        value = if state == :first, do: x, else: fun.(x, elem(state, 1))
        {tag, a} = r.(value, a)
        {tag, {a, {:acc, value}}}
      end)
    end
  end

  def scan(enum, initial, fun) do
    fn acc, r ->
      stage(enum, acc, initial, fn x, {a, state} ->
        value = fun.(x, state)
        {tag, a} = r.(value, a)
        {tag, {a, value}}
      end)
    end
  end

  def map_every(enum, 0, _fun), do: enum

  def map_every(enum, nth, fun) when is_integer(nth) and nth > 0 do
    fn acc, r ->
      stage(enum, acc, 0, fn x, {a, i} ->
        value = if rem(i, nth) == 0, do: fun.(x), else: x
        {tag, a} = r.(value, a)
        {tag, {a, i + 1}}
      end)
    end
  end

  def intersperse(enum, separator) do
    fn acc, r ->
      stage(enum, acc, true, fn x, {a, first} ->
        items = if first, do: [x], else: [separator, x]
        {tag, a} = emit_all(items, a, r)
        {tag, {a, false}}
      end)
    end
  end

  def chunk_every(enum, count), do: chunk_every(enum, count, count, [])
  def chunk_every(enum, count, step), do: chunk_every(enum, count, step, [])

  def chunk_every(enum, count, step, leftover) when is_integer(count) and count > 0 and is_integer(step) and step > 0 do
    limit = Kernel.max(count, step)

    chunk_fun = fn entry, {buffer, n} ->
      buffer = [entry | buffer]
      n = n + 1

      state =
        if n >= limit do
          remaining = n - step
          {Enum.take(buffer, remaining), remaining}
        else
          {buffer, n}
        end

      if n == count, do: {:cont, :lists.reverse(buffer), state}, else: {:cont, state}
    end

    after_fun = fn {buffer, n} ->
      if leftover == :discard or n == 0 or n >= count do
        {:cont, []}
      else
        {:cont, :lists.reverse(buffer, Enum.take(leftover, count - n)), []}
      end
    end

    chunk_while(enum, {[], 0}, chunk_fun, after_fun)
  end

  def chunk_every(_enum, _count, _step, _leftover), do: Tasklens.VM.function_clause(Stream, :chunk_every, 4)

  def chunk_by(enum, fun) do
    chunk_while(enum, :none, fn
      x, :none -> {:cont, {fun.(x), [x]}}
      x, {key, buffer} ->
        new_key = fun.(x)
        if new_key == key, do: {:cont, {key, [x | buffer]}}, else: {:cont, :lists.reverse(buffer), {new_key, [x]}}
    end, fn
      :none -> {:cont, :none}
      {_key, buffer} -> {:cont, :lists.reverse(buffer), :none}
    end)
  end

  def chunk_while(enum, acc0, chunk_fun, after_fun) do
    fn acc, r ->
      stage_finish(enum, acc, acc0, fn x, {a, state} ->
        case chunk_fun.(x, state) do
          {:cont, chunk, state} ->
            {tag, a} = r.(chunk, a)
            {tag, {a, state}}

          {:cont, state} ->
            {:cont, {a, state}}

          {:halt, state} ->
            {:halt, {a, state}}
        end
      end, fn state ->
        case after_fun.(state) do
          {:cont, chunk, _} -> [chunk]
          {:cont, _} -> []
        end
      end, fn _ -> :ok end, r)
    end
  end

  def transform(enum, acc0, reducer), do: transform(enum, fn -> acc0 end, reducer, fn _ -> {[], nil} end, fn _ -> :ok end, false)
  def transform(enum, start_fun, reducer, after_fun), do: transform(enum, start_fun, reducer, fn acc -> {[], acc} end, after_fun, true)
  def transform(enum, start_fun, reducer, last_fun, after_fun), do: transform(enum, start_fun, reducer, last_fun, after_fun, true)

  defp transform(enum, start_fun, reducer, last_fun, after_fun, _with_after) do
    fn acc, r ->
      stage_finish(enum, acc, {:acc, start_fun.()}, fn
        x, {a, {:acc, state}} ->
          case reducer.(x, state) do
            {:halt, state} ->
              {:halt, {a, {:halted, state}}}

            {items, state} ->
              {tag, a} = emit_enum(items, a, r)
              {tag, {a, {:acc, state}}}
          end
      end, fn
        {:acc, state} ->
          {items, state} = last_fun.(state)
          {Enum.to_list(items), state}

        {:halted, state} ->
          {[], state}
      end, fn
        {:acc, state} -> after_fun.(state)
        {:halted, state} -> after_fun.(state)
        state -> after_fun.(state)
      end, r)
    end
  end

  def resource(start_fun, next_fun, after_fun) do
    fn acc, r -> resource_loop(start_fun.(), next_fun, after_fun, acc, r) end
  end

  defp resource_loop(res, _next_fun, after_fun, {:halt, acc}, _r) do
    after_fun.(res)
    {:halted, acc}
  end

  defp resource_loop(res, next_fun, after_fun, {:suspend, acc}, r) do
    {:suspended, acc, fn a -> resource_loop(res, next_fun, after_fun, a, r) end}
  end

  defp resource_loop(res, next_fun, after_fun, {:cont, acc}, r) do
    case next_fun.(res) do
      {:halt, res} ->
        after_fun.(res)
        {:done, acc}

      {items, res} ->
        case emit_enum(items, acc, r) do
          {:halt, acc} ->
            after_fun.(res)
            {:halted, acc}

          {tag, acc} ->
            resource_loop(res, next_fun, after_fun, {tag, acc}, r)
        end
    end
  end

  def zip(a, b), do: zip([a, b])

  def zip(enums) do
    fn acc, r -> zip_loop(Enum.map(enums, fn e -> {:start, e} end), acc, r) end
  end

  defp zip_loop(_iters, {:halt, acc}, _r), do: {:halted, acc}
  defp zip_loop(iters, {:suspend, acc}, r), do: {:suspended, acc, fn a -> zip_loop(iters, a, r) end}

  defp zip_loop(iters, {:cont, acc}, r) do
    case zip_pull(iters, [], []) do
      :done -> {:done, acc}
      {items, rest} -> zip_loop(rest, r.(List.to_tuple(items), acc), r)
    end
  end

  defp zip_pull([], items, rest), do: {:lists.reverse(items), :lists.reverse(rest)}

  defp zip_pull([iter | iters], items, rest) do
    next =
      case iter do
        {:start, e} -> Tasklens.VM.iter_start(e)
        {:next, cont} -> Tasklens.VM.iter_next(cont)
      end

    case next do
      :done -> :done
      {x, cont} -> zip_pull(iters, [x | items], [{:next, cont} | rest])
    end
  end

  def zip_with(a, b, fun), do: map(zip(a, b), fn {x, y} -> fun.(x, y) end)
  def zip_with(enums, fun), do: map(zip(enums), fn t -> fun.(Tuple.to_list(t)) end)

  def filter_map(enum, filter, mapper), do: map(filter(enum, filter), mapper)

  # Emits several elements from one step; stops at the first non-:cont answer.
  defp emit_all([], a, _r), do: {:cont, a}
  defp emit_all([x], a, r), do: r.(x, a)

  defp emit_all([x | rest], a, r) do
    case r.(x, a) do
      {:cont, a} -> emit_all(rest, a, r)
      other -> other
    end
  end

  defp emit_enum(items, a, r) when is_list(items), do: emit_all(items, a, r)

  defp emit_enum(items, a, r) do
    case Enumerable.reduce(items, {:cont, a}, r) do
      {:halted, a} -> {:halt, a}
      {_, a} -> {:cont, a}
    end
  end

  # Like stage/4, with `finish_items.(state)` emitted after the source is exhausted and
  # `after_fun.(state)` run once the stream ends (exhausted or halted).
  defp stage_finish(enum, {tag, acc}, state, reducer, finish_items, after_fun, r) do
    finish_unwrap(Enumerable.reduce(enum, {tag, {acc, state}}, reducer), finish_items, after_fun, r)
  end

  defp finish_unwrap({:done, {acc, state}}, finish_items, after_fun, r) do
    {items, state} =
      case finish_items.(state) do
        {items, state} when is_list(items) -> {items, state}
        items -> {items, state}
      end

    result = emit_all(items, acc, r)
    after_fun.(state)

    case result do
      {:halt, acc} -> {:halted, acc}
      {_, acc} -> {:done, acc}
    end
  end

  defp finish_unwrap({:halted, {acc, state}}, _finish_items, after_fun, _r) do
    after_fun.(state)
    {:halted, acc}
  end

  defp finish_unwrap({:suspended, {acc, state}, cont}, finish_items, after_fun, r) do
    {:suspended, acc, fn {tag, a} -> finish_unwrap(cont.({tag, {a, state}}), finish_items, after_fun, r) end}
  end
end
