# Prelude: Kernel helpers, exceptions, and the fun-taking functions of Map, Keyword and List.

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

  def into(list, binary) when is_binary(binary), do: binary <> Tasklens.VM.join(Enum.map(list, &chardata_to_string/1), "")
  def into(list, fun) when is_function(fun, 2), do: fun.(list, :done)

  def delay_first(stream, _ms), do: stream

  # for comprehensions pull one element at a time: :done | {element, rest}
  def iter_start(list) when is_list(list), do: iter_next(list)
  def iter_start(%{__struct__: Range} = range), do: iter_next(Enum.to_list(range))
  def iter_start(%{__struct__: MapSet} = set), do: iter_next(MapSet.to_list(set))
  def iter_start(map) when is_map(map) and not is_map_key(map, :__struct__), do: iter_next(map_to_list(map))
  def iter_start(enum), do: iter_result(Enumerable.reduce(enum, {:cont, nil}, fn x, _ -> {:suspend, x} end))

  def iter_next([h | t]), do: {h, t}
  def iter_next([]), do: :done
  def iter_next(cont) when is_function(cont, 1), do: iter_result(cont.({:cont, nil}))

  defp iter_result({:suspended, x, cont}), do: {x, cont}
  defp iter_result({:done, _}), do: :done
  defp iter_result({:halted, _}), do: :done

  def match_op(left, right) when is_binary(right), do: String.contains?(left, right)
  def match_op(left, right), do: Regex.match?(right, left)
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

  def update_in(data, [key], fun) when is_map(data), do: Map.put(data, key, fun.(Map.get(data, key)))
  def update_in(data, [key], fun) when is_list(data), do: List.keystore(data, key, 0, {key, fun.(Access.get(data, key))})
  def update_in(data, [key | rest], fun) when is_map(data), do: Map.put(data, key, update_in(Map.get(data, key), rest, fun))

  def update_in(data, [key | rest], fun) when is_list(data) do
    List.keystore(data, key, 0, {key, update_in(Access.get(data, key), rest, fun)})
  end

  def pop_in(data, keys) do
    path = Enum.map(keys, fn k -> {:key, k} end)
    Tasklens.VM.__pop_in_path__(data, path)
  end

  def get_and_update_in(data, keys, fun) do
    {get, new} = fun.(get_in(data, keys))
    {get, put_in(data, keys, new)}
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
end

defmodule Keyword do
  def update(list, key, default, fun) do
    case Keyword.fetch(list, key) do
      {:ok, v} -> Keyword.put(list, key, fun.(v))
      :error -> Keyword.put(list, key, default)
    end
  end

  def get_lazy(list, key, fun) do
    case Keyword.fetch(list, key) do
      {:ok, v} -> v
      :error -> fun.()
    end
  end

  def filter(list, fun), do: Enum.filter(list, fun)
  def reject(list, fun), do: Enum.reject(list, fun)
end

defmodule List do
  def foldl(list, acc, fun), do: Enum.reduce(list, acc, fun)
  def foldr(list, acc, fun), do: Enum.reduce(:lists.reverse(list), acc, fun)
  def update_at(list, index, fun), do: List.replace_at(list, index, fun.(Enum.at(list, index)))
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
