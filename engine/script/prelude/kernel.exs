# Prelude: Kernel helpers, exceptions, and the fun-taking functions of Map, List, Access, Range,
# MapSet and Regex (Keyword and String are in keyword.exs and string.exs).

defmodule Tasklens.VM do
  def raise(message) when is_binary(message), do: :erlang.error(RuntimeError.exception(message))
  def raise(%{__exception__: true} = exception), do: :erlang.error(exception)
  def raise(module) when is_atom(module), do: :erlang.error(module.exception([]))

  def raise(other) do
    :erlang.error(ArgumentError.exception("raise/1 and reraise/2 expect a module name, string or exception as the first argument, got: #{inspect(other)}"))
  end

  def raise(module, args) when is_atom(module), do: :erlang.error(module.exception(args))
  def reraise(module, args, stacktrace) when is_atom(module), do: Tasklens.VM.reraise(module.exception(args), stacktrace)

  def reraise(message, stacktrace) when is_binary(message), do: :erlang.raise(:error, RuntimeError.exception(message), stacktrace)
  def reraise(%{__exception__: true} = e, stacktrace), do: :erlang.raise(:error, e, stacktrace)
  def reraise(module, stacktrace) when is_atom(module), do: :erlang.raise(:error, module.exception([]), stacktrace)

  # A FunctionClauseError for a prelude function whose guards reject its arguments (the VM would
  # name the caller, as prelude frames are hidden from stacktraces).
  def function_clause(module, function, arity) do
    :erlang.error(%{__struct__: FunctionClauseError, __exception__: true, module: module, function: function,
                    arity: arity, kind: nil, args: nil, clauses: nil})
  end

  # How a GenServer names itself in the errors of its default callbacks (use GenServer).
  def registered_name_or_self() do
    case Process.info(self(), :registered_name) do
      {_, []} -> self()
      {_, name} -> name
      _ -> self()
    end
  end

  # put_in(data.a[b], v) and friends: path steps are {:field, atom} (struct/map field, must
  # exist) or {:key, key} (Access: maps and keyword lists).
  def __get_in_path__(data, []), do: data
  def __get_in_path__(data, [{:field, f} | rest]), do: __get_in_path__(Map.fetch!(data, f), rest)
  def __get_in_path__(data, [{:key, k} | rest]), do: __get_in_path__(Access.get(data, k), rest)

  def __put_in_path__(data, path, value), do: __update_in_path__(data, path, fn _ -> value end)

  def __update_in_path__(data, [{:field, f}], fun), do: Map.replace!(data, f, fun.(Map.fetch!(data, f)))
  def __update_in_path__(data, [{:key, k}], fun), do: access_put(data, k, fun.(Access.get(data, k)))

  def __update_in_path__(data, [{:field, f} | rest], fun) do
    Map.replace!(data, f, __update_in_path__(Map.fetch!(data, f), rest, fun))
  end

  def __update_in_path__(data, [{:key, k} | rest], fun) do
    access_put(data, k, __update_in_path__(Access.get(data, k), rest, fun))
  end

  def __pop_in_path__(data, [{:key, k}]) when is_map(data) do
    case data do
      %{^k => v} -> {v, Map.delete(data, k)}
      _ -> {nil, data}
    end
  end

  def __pop_in_path__(data, [{:key, k}]) when is_list(data), do: {Access.get(data, k), List.keydelete(data, k, 0)}
  def __pop_in_path__(nil, [{:key, _}]), do: {nil, nil}

  def __pop_in_path__(data, [{:field, f} | rest]) do
    {v, inner} = __pop_in_path__(Map.fetch!(data, f), rest)
    {v, Map.replace!(data, f, inner)}
  end

  def __pop_in_path__(data, [{:key, k} | rest]) do
    {v, inner} = __pop_in_path__(Access.get(data, k), rest)
    {v, access_put(data, k, inner)}
  end

  defp access_put(data, k, v) when is_map(data), do: Map.put(data, k, v)
  defp access_put(data, k, v) when is_list(data), do: List.keystore(data, k, 0, {k, v})
  defp access_put(nil, k, _v), do: raise(ArgumentError, "could not put/update key #{inspect(k)} on a nil value")

  def into(list, collectable) when is_list(collectable), do: collectable ++ list
  def into(list, %{__struct__: MapSet} = set), do: MapSet.union(set, MapSet.new(list))

  def into(list, map) when is_map(map) do
    Enum.reduce(list, map, fn
      {k, v}, acc -> Map.put(acc, k, v)
      other, _ -> raise ArgumentError, "collecting into a map requires {key, value} tuples, got: #{inspect(other)}"
    end)
  end

  # Collectable.BitString: the items are bitstrings (a charlist is refused, as in Elixir 1.14).
  def into(list, bits) when is_bitstring(bits) do
    Enum.each(list, fn
      x when is_bitstring(x) -> :ok
      x -> raise ArgumentError, "argument error: #{inspect(x)}"
    end)

    :erlang.list_to_bitstring([bits | list])
  end
  def into(list, fun) when is_function(fun, 2), do: fun.(list, :done)

  def delay_first(stream, _ms), do: stream

  # for comprehensions pull one element at a time: :done | {element, rest}
  def iter_start(list) when is_list(list), do: iter_next(list)
  def iter_start(%{__struct__: Range, first: first, last: last, step: step}), do: iter_next({:__tasklens_range__, first, last, step})
  def iter_start(%{__struct__: MapSet} = set), do: iter_next(MapSet.to_list(set))
  # Elixir's `for` reduces a map in maps:fold order
  def iter_start(map) when is_map(map) and not is_map_key(map, :__struct__), do: iter_next(map_fold_list(map))
  def iter_start(enum), do: iter_result(Enumerable.reduce(enum, {:cont, nil}, fn x, _ -> {:suspend, x} end))

  def iter_next([h | t]), do: {h, t}
  def iter_next([]), do: :done

  # a range is walked, never materialised
  def iter_next({:__tasklens_range__, first, last, step}) when (step > 0 and first <= last) or (step < 0 and first >= last),
    do: {first, {:__tasklens_range__, first + step, last, step}}

  def iter_next({:__tasklens_range__, _, _, _}), do: :done
  def iter_next(cont) when is_function(cont, 1), do: iter_result(cont.({:cont, nil}))

  defp iter_result({:suspended, x, cont}), do: {x, cont}
  defp iter_result({:done, _}), do: :done
  defp iter_result({:halted, _}), do: :done

  def match_op(left, right) when is_binary(right), do: String.contains?(left, right)
  def match_op(left, right), do: Regex.match?(right, left)

  # The subject with each {start, length} span replaced by fun.(start, length) (iodata).
  def __splice_matches__(subject, spans, fun) do
    {acc, last} =
      Enum.reduce(spans, {[], 0}, fn {start, len}, {acc, last} ->
        {[fun.(start, len), binary_part(subject, last, start - last) | acc], start + len}
      end)

    IO.iodata_to_binary(:lists.reverse([binary_part(subject, last, byte_size(subject) - last) | acc]))
  end
end

defmodule Kernel do
  def then(value, fun), do: fun.(value)

  def tap(value, fun) do
    fun.(value)
    value
  end

  def get_in(data, []), do: data
  def get_in(nil, _keys), do: nil
  def get_in(data, [key | rest]) when is_function(key, 3), do: key.(:get, data, fn x -> get_in(x, rest) end)
  def get_in(data, [key | rest]), do: get_in(Access.get(data, key), rest)

  def put_in(data, keys, value), do: update_in(data, keys, fn _ -> value end)

  # Paths with Access functions (Access.all/at/filter/key/elem or a user's fn/3) go through
  # get_and_update as Elixir's Kernel does; plain key paths keep the direct map/keyword updates.
  def update_in(data, keys, fun) do
    if Enum.any?(keys, &is_function/1) do
      elem(get_and_update_in(data, keys, fn x -> {nil, fun.(x)} end), 1)
    else
      update_in_keys(data, keys, fun)
    end
  end

  defp update_in_keys(data, [key], fun) when is_map(data), do: Map.put(data, key, fun.(Map.get(data, key)))
  defp update_in_keys(data, [key], fun) when is_list(data), do: List.keystore(data, key, 0, {key, fun.(Access.get(data, key))})
  defp update_in_keys(data, [key | rest], fun) when is_map(data), do: Map.put(data, key, update_in_keys(Map.get(data, key), rest, fun))

  defp update_in_keys(data, [key | rest], fun) when is_list(data) do
    List.keystore(data, key, 0, {key, update_in_keys(Access.get(data, key), rest, fun)})
  end

  def pop_in(data, keys) do
    if Enum.any?(keys, &is_function/1) do
      pop_in_access(data, keys)
    else
      path = Enum.map(keys, fn k -> {:key, k} end)
      Tasklens.VM.__pop_in_path__(data, path)
    end
  end

  defp pop_in_access(nil, [_ | _]), do: {nil, nil}
  defp pop_in_access(data, [fun]) when is_function(fun, 3), do: fun.(:get_and_update, data, fn _ -> :pop end)
  defp pop_in_access(data, [key]), do: Access.pop(data, key)
  defp pop_in_access(data, [fun | rest]) when is_function(fun, 3), do: fun.(:get_and_update, data, fn x -> pop_in_data(x, rest) end)
  defp pop_in_access(data, [key | rest]), do: access_get_and_update(data, key, fn x -> pop_in_data(x, rest) end)

  defp pop_in_data(nil, [_ | _]), do: :pop
  defp pop_in_data(data, keys), do: pop_in_access(data, keys)

  def get_and_update_in(data, [key], fun) when is_function(key, 3), do: key.(:get_and_update, data, fun)
  def get_and_update_in(data, [key | rest], fun) when is_function(key, 3), do: key.(:get_and_update, data, fn x -> get_and_update_in(x, rest, fun) end)
  def get_and_update_in(data, [key], fun), do: access_get_and_update(data, key, fun)
  def get_and_update_in(data, [key | rest], fun), do: access_get_and_update(data, key, fn x -> get_and_update_in(x, rest, fun) end)

  # Access.get_and_update/3 for maps, keyword lists and nil.
  defp access_get_and_update(%{__struct__: _} = struct, key, fun) do
    current = Map.fetch!(struct, key)

    case fun.(current) do
      {get, update} -> {get, Map.put(struct, key, update)}
      :pop -> raise ArgumentError, "cannot pop a struct field"
    end
  end

  defp access_get_and_update(map, key, fun) when is_map(map) do
    current = Map.get(map, key)

    case fun.(current) do
      {get, update} -> {get, Map.put(map, key, update)}
      :pop -> {current, Map.delete(map, key)}
    end
  end

  defp access_get_and_update(list, key, fun) when is_list(list) do
    current = Keyword.get(list, key)

    case fun.(current) do
      {get, update} -> {get, List.keystore(list, key, 0, {key, update})}
      :pop -> {current, List.keydelete(list, key, 0)}
    end
  end

  defp access_get_and_update(nil, key, fun) do
    case fun.(nil) do
      {get, update} -> {get, %{key => update}}
      :pop -> {nil, nil}
    end
  end

  def struct(module), do: Kernel.struct(module, [])
end

defmodule Map do
  def new(enum, fun), do: Tasklens.VM.into(Enum.map(enum, fun), %{})

  def update(map, key, default, fun) do
    case map do
      %{^key => value} -> Map.put(map, key, fun.(value))
      %{} -> Map.put(map, key, default)
    end
  end

  def update!(map, key, fun) do
    case map do
      %{^key => value} -> Map.put(map, key, fun.(value))
      %{} -> :erlang.error({:badkey, key, map})
    end
  end

  def get_lazy(map, key, fun) do
    case map do
      %{^key => value} -> value
      %{} -> fun.()
    end
  end

  def put_new_lazy(map, key, fun) do
    case map do
      %{^key => _} -> map
      %{} -> Map.put(map, key, fun.())
    end
  end

  def get_and_update(map, key, fun) do
    case fun.(Map.get(map, key)) do
      {get, new} -> {get, Map.put(map, key, new)}
      :pop -> {Map.get(map, key), Map.delete(map, key)}
    end
  end

  def filter(map, fun), do: map |> Tasklens.VM.map_to_list() |> Enum.filter(fun) |> Tasklens.VM.into(%{})
  def reject(map, fun), do: map |> Tasklens.VM.map_to_list() |> Enum.reject(fun) |> Tasklens.VM.into(%{})
  def map(map, fun), do: map |> Tasklens.VM.map_to_list() |> Enum.map(fn {k, v} -> {k, fun.({k, v})} end) |> Tasklens.VM.into(%{})

  def merge(a, b, fun) do
    Enum.reduce(Tasklens.VM.map_to_list(b), a, fn {k, v}, acc ->
      case acc do
        %{^k => old} -> Map.put(acc, k, fun.(k, old, v))
        %{} -> Map.put(acc, k, v)
      end
    end)
  end

  def from_keys(keys, value) when is_list(keys), do: Map.new(keys, fn key -> {key, value} end)

  def pop_lazy(map, key, fun) when is_function(fun, 0) do
    case map do
      %{^key => value} -> {value, Map.delete(map, key)}
      %{} -> {fun.(), map}
    end
  end

  def replace_lazy(map, key, fun) when is_function(fun, 1) do
    case map do
      %{^key => value} -> %{map | key => fun.(value)}
      %{} -> map
    end
  end

  def get_and_update!(map, key, fun) when is_function(fun, 1) do
    case map do
      %{^key => value} ->
        case fun.(value) do
          {get, update} -> {get, %{map | key => update}}
          :pop -> {value, Map.delete(map, key)}
        end

      %{} ->
        raise KeyError, key: key, term: map
    end
  end
end

defmodule List do
  def foldl(list, acc, fun), do: Enum.reduce(list, acc, fun)
  def foldr(list, acc, fun), do: Enum.reduce(:lists.reverse(list), acc, fun)
  def update_at(list, index, fun), do: List.replace_at(list, index, fun.(Enum.at(list, index)))

  # List.myers_difference/2: Myers' greedy edit script. Each round d extends, for every diagonal
  # -d, -d+2, ..., d, the furthest path by one insertion or deletion and then along equal
  # elements; the first path (in diagonal order) to use up both lists wins. The choice between
  # neighbours and the final compaction follow Elixir's, so scripts come out identical.
  def myers_difference(list1, list2) when is_list(list1) and is_list(list2) do
    myers_round(0, [{0, list1, list2, []}])
  end

  defp myers_round(d, paths) do
    case myers_diagonals(-d, d, paths, []) do
      {:done, edits} -> myers_compact(edits, [])
      {:next, paths} -> myers_round(d + 1, paths)
    end
  end

  defp myers_diagonals(k, d, _paths, extended) when k > d, do: {:next, :lists.reverse(extended)}

  defp myers_diagonals(k, d, paths, extended) do
    {path, rest} = myers_step(k, d, paths)

    case myers_snake(path) do
      {:done, edits} -> {:done, edits}
      {:cont, path} -> myers_diagonals(k + 2, d, rest, [path | extended])
    end
  end

  # A path is {elements of list1 used, rest of list1, rest of list2, edits in reverse}.
  defp myers_step(0, 0, [path]), do: {path, []}
  defp myers_step(k, d, [path | _] = paths) when k == -d, do: {myers_delete(path), paths}
  defp myers_step(k, d, [path]) when k == d, do: {myers_insert(path), []}

  defp myers_step(_k, _d, [left, right | rest]) do
    if elem(left, 0) > elem(right, 0),
      do: {myers_insert(left), [right | rest]},
      else: {myers_delete(right), [right | rest]}
  end

  defp myers_insert({used, rest1, [x | rest2], edits}), do: {used, rest1, rest2, [{:ins, x} | edits]}
  defp myers_insert({_used, _rest1, [], _edits} = path), do: path
  defp myers_delete({used, [x | rest1], rest2, edits}), do: {used + 1, rest1, rest2, [{:del, x} | edits]}
  defp myers_delete({used, [], rest2, edits}), do: {used + 1, [], rest2, edits}

  defp myers_snake({used, [x | rest1], [x | rest2], edits}), do: myers_snake({used + 1, rest1, rest2, [{:eq, x} | edits]})
  defp myers_snake({_used, [], [], edits}), do: {:done, edits}
  defp myers_snake(path), do: {:cont, path}

  defp myers_compact([], script), do: script
  defp myers_compact([{kind, x} | rest], [{kind, xs} | script]), do: myers_compact(rest, [{kind, [x | xs]} | script])

  defp myers_compact(rest, [{:eq, same}, {:ins, same}, {:eq, other} | script]) do
    myers_compact(rest, [{:ins, same}, {:eq, same ++ other} | script])
  end

  defp myers_compact([{kind, x} | rest], script), do: myers_compact(rest, [{kind, [x]} | script])

  def keyfind!(list, key, position) when is_integer(position) and position >= 0 do
    case :lists.keyfind(key, position + 1, list) do
      false -> raise KeyError, key: key, term: list
      tuple -> tuple
    end
  end

  def keysort(list, position, :asc), do: List.keysort(list, position)
  def keysort(list, position, sorter), do: Enum.sort_by(list, &:erlang.element(position + 1, &1), sorter)

  def to_integer(charlist, base), do: String.to_integer(List.to_string(charlist), base)
  def to_float(charlist), do: String.to_float(List.to_string(charlist))
end

defmodule RuntimeError do
  defexception message: "runtime error"
end

defmodule ArgumentError do
  defexception message: "argument error"
end

defmodule ArithmeticError do
  defexception message: "bad argument in arithmetic expression"
end

# Raised for a function of Elixir/OTP that Tasklens does not implement yet (see
# docs/scenario-language.md, "Calls Tasklens does not support yet").
defmodule Tasklens.UnsupportedError do
  defexception message: "Tasklens does not support this yet"
end

defmodule Enum.EmptyError do
  defexception message: "empty error"
end

defmodule Enum.OutOfBoundsError do
  defexception message: "out of bounds error"
end

defmodule KeyError do
  defexception [:key, :term, :message]
  def message(e), do: Tasklens.VM.exception_message(e)
end

defmodule Access do
  def key(key, default \\ nil) do
    fn
      :get, data, next ->
        next.(Map.get(data, key, default))

      :get_and_update, data, next ->
        value = Map.get(data, key, default)

        case next.(value) do
          {get, update} -> {get, Map.put(data, key, update)}
          :pop -> {value, Map.delete(data, key)}
        end
    end
  end

  def key!(key) do
    fn
      :get, %{} = data, next ->
        next.(Map.fetch!(data, key))

      :get_and_update, %{} = data, next ->
        value = Map.fetch!(data, key)

        case next.(value) do
          {get, update} -> {get, Map.put(data, key, update)}
          :pop -> {value, Map.delete(data, key)}
        end

      _op, data, _next ->
        raise "Access.key!/1 expected a map/struct, got: #{inspect(data)}"
    end
  end

  def elem(index) when is_integer(index) and index >= 0 do
    pos = index + 1

    fn
      :get, data, next when is_tuple(data) ->
        next.(:erlang.element(pos, data))

      :get_and_update, data, next when is_tuple(data) ->
        value = :erlang.element(pos, data)

        case next.(value) do
          {get, update} -> {get, :erlang.setelement(pos, data, update)}
          :pop -> raise "cannot pop data from a tuple"
        end

      _op, data, _next ->
        raise "Access.elem/1 expected a tuple, got: #{inspect(data)}"
    end
  end

  def all(), do: &all_access/3

  defp all_access(:get, data, next) when is_list(data), do: Enum.map(data, next)
  defp all_access(:get_and_update, data, next) when is_list(data), do: all_update(data, next, [], [])
  defp all_access(_op, data, _next), do: raise("Access.all/0 expected a list, got: #{inspect(data)}")

  defp all_update([head | rest], next, gets, updates) do
    case next.(head) do
      {get, update} -> all_update(rest, next, [get | gets], [update | updates])
      :pop -> all_update(rest, next, [head | gets], updates)
    end
  end

  defp all_update([], _next, gets, updates), do: {:lists.reverse(gets), :lists.reverse(updates)}

  def at(index) when is_integer(index), do: fn op, data, next -> at_access(op, data, index, next) end

  defp at_access(:get, data, index, next) when is_list(data), do: next.(Enum.at(data, index))
  defp at_access(:get_and_update, data, index, next) when is_list(data), do: at_update(data, index, next, [])
  defp at_access(_op, data, _index, _next), do: raise("Access.at/1 expected a list, got: #{inspect(data)}")

  defp at_update([head | rest], 0, next, updates) do
    case next.(head) do
      {get, update} -> {get, :lists.reverse([update | updates], rest)}
      :pop -> {head, :lists.reverse(updates, rest)}
    end
  end

  defp at_update([_ | _] = list, index, next, updates) when index < 0 do
    n = length(list)
    if n + index >= 0, do: at_update(list, n + index, next, updates), else: {nil, list}
  end

  defp at_update([head | rest], index, next, updates) when index > 0, do: at_update(rest, index - 1, next, [head | updates])
  defp at_update([], _index, _next, updates), do: {nil, :lists.reverse(updates)}

  # at!/1: like at/1, but an index outside the list raises Enum.OutOfBoundsError
  def at!(index) when is_integer(index) do
    fn
      :get, data, next when is_list(data) ->
        next.(Enum.fetch!(data, index))

      :get_and_update, data, next when is_list(data) ->
        Enum.fetch!(data, index)
        at_update(data, index, next, [])

      _op, data, _next ->
        raise "Access.at!/1 expected a list, got: #{inspect(data)}"
    end
  end

  def fetch!(container, key) do
    case Access.fetch(container, key) do
      {:ok, value} -> value
      :error -> raise KeyError, key: key, term: container
    end
  end

  def filter(func) when is_function(func), do: fn op, data, next -> filter_access(op, data, func, next) end

  defp filter_access(:get, data, func, next) when is_list(data), do: data |> Enum.filter(func) |> Enum.map(next)
  defp filter_access(:get_and_update, data, func, next) when is_list(data), do: filter_update(data, func, next, [], [])
  defp filter_access(_op, data, _func, _next), do: raise("Access.filter/1 expected a list, got: #{inspect(data)}")

  defp filter_update([head | rest], func, next, updates, gets) do
    if func.(head) do
      case next.(head) do
        {get, update} -> filter_update(rest, func, next, [update | updates], [get | gets])
        :pop -> filter_update(rest, func, next, updates, [head | gets])
      end
    else
      filter_update(rest, func, next, [head | updates], gets)
    end
  end

  defp filter_update([], _func, _next, updates, gets), do: {:lists.reverse(gets), :lists.reverse(updates)}

  def pop(data, key) when is_map(data) do
    case Map.fetch(data, key) do
      {:ok, value} -> {value, Map.delete(data, key)}
      :error -> {nil, data}
    end
  end

  def pop(data, key) when is_list(data), do: {Keyword.get(data, key), Keyword.delete(data, key)}
  def pop(nil, _key), do: {nil, nil}
end

defmodule Function do
  def identity(value), do: value
end

defmodule Range do
  def size(%{__struct__: Range, first: first, last: last, step: step}) when step > 0 and first > last, do: 0
  def size(%{__struct__: Range, first: first, last: last, step: step}) when step < 0 and first < last, do: 0
  def size(%{__struct__: Range, first: first, last: last, step: step}), do: abs(div(last - first, step)) + 1

  # Two stepped ranges share an element when x = first1 (mod step1) and x = first2 (mod step2)
  # has a solution inside both bounds; the candidates repeat every lcm(step1, step2).
  def disjoint?(%{__struct__: Range} = r1, %{__struct__: Range} = r2) do
    if size(r1) == 0 or size(r2) == 0 do
      true
    else
      {first1, last1, step1} = ascending(r1)
      {first2, last2, step2} = ascending(r2)
      low = Kernel.max(first1, first2)
      high = Kernel.min(last1, last2)

      cond do
        low > high -> true
        step1 == 1 and step2 == 1 -> false
        true -> not shares_element?(first1, step1, first2, step2, low, high)
      end
    end
  end

  defp ascending(%{first: first, last: last, step: step}) when step > 0, do: {first, first + div(last - first, step) * step, step}

  defp ascending(%{first: first, last: last, step: step}) do
    real_last = first + div(last - first, step) * step
    {real_last, first, -step}
  end

  defp shares_element?(first1, step1, first2, step2, low, high) do
    start = if low <= first1, do: first1, else: first1 + div(low - first1 + step1 - 1, step1) * step1
    limit = div(step2, Integer.gcd(step1, step2))
    Enum.any?(0..(limit - 1), fn k ->
      x = start + k * step1
      x <= high and x >= first2 and rem(x - first2, step2) == 0
    end)
  end
end

# MapSet's fun-taking functions (the rest of MapSet is native: stdlib/map_set.cpp).
defmodule MapSet do
  def new(enum, transform) when is_function(transform, 1), do: MapSet.new(Enum.map(enum, transform))
  def filter(set, fun) when is_function(fun, 1), do: MapSet.new(Enum.filter(MapSet.to_list(set), fun))
  def reject(set, fun) when is_function(fun, 1), do: MapSet.new(Enum.reject(MapSet.to_list(set), fun))
  def symmetric_difference(a, b), do: MapSet.union(MapSet.difference(a, b), MapSet.difference(b, a))
end

# Regex.replace/3,4 with a function replacement (a binary one is native: Regex.__replace__/4).
# The function gets the whole match and then the captures, as many as its arity takes
# (a group that did not take part is "").
defmodule Regex do
  def replace(regex, string, replacement, options \\ [])

  def replace(regex, string, replacement, options) when is_function(replacement) and is_binary(string) do
    {:arity, arity} = :erlang.fun_info(replacement, :arity)

    matches =
      if Keyword.get(options, :global, true) do
        Regex.scan(regex, string, return: :index)
      else
        case Regex.run(regex, string, return: :index) do
          nil -> []
          groups -> [groups]
        end
      end

    spans = Enum.map(matches, fn [{start, len} | _] -> {start, len} end)
    by_start = Map.new(matches, fn [{start, _} | _] = groups -> {start, groups} end)

    Tasklens.VM.__splice_matches__(string, spans, fn start, _len ->
      parts = Enum.map(Map.fetch!(by_start, start), fn {s, l} -> if s < 0, do: "", else: binary_part(string, s, l) end)
      apply(replacement, Enum.take(parts ++ List.duplicate("", arity), arity))
    end)
  end

  def replace(regex, string, replacement, options), do: Regex.__replace__(regex, string, replacement, options)
end
