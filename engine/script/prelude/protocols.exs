# Prelude: the built-in protocols String.Chars, Inspect and Collectable for user structs
# (Enumerable is in enum.exs). Built-in types keep their native implementations; a struct with a
# `defimpl` (or `@derive`) is dispatched to it through Tasklens.VM.protocol_impl_for/2, which
# the compiler turns into one ImplFor instruction.

defmodule String.Chars do
  def __protocol__(:module), do: String.Chars
  def __protocol__(:functions), do: [to_string: 1]
  def __protocol__(:consolidated?), do: false
  def __protocol__(:impls), do: :not_consolidated
  def impl_for(data), do: Tasklens.VM.protocol_impl_for(String.Chars, data)

  def to_string(data) when is_binary(data), do: data

  def to_string(%{__struct__: _} = data) do
    case Tasklens.VM.protocol_impl_for(String.Chars, data) do
      nil -> Kernel.to_string(data)
      impl -> impl.to_string(data)
    end
  end

  def to_string(data), do: Kernel.to_string(data)
end

defmodule Inspect.Opts do
  defstruct base: :decimal, binaries: :infer, char_lists: :infer, charlists: :infer,
            custom_options: [], inspect_fun: nil, limit: 50, pretty: false, printable_limit: 4096,
            safe: true, structs: true, syntax_colors: [], width: 80

  def new(opts) when is_list(opts), do: struct(Inspect.Opts, opts)
end

defmodule Inspect do
  def __protocol__(:module), do: Inspect
  def __protocol__(:functions), do: [inspect: 2]
  def __protocol__(:consolidated?), do: false
  def __protocol__(:impls), do: :not_consolidated
  def impl_for(data), do: Tasklens.VM.protocol_impl_for(Inspect, data)

  def inspect(data, opts) do
    case Tasklens.VM.protocol_impl_for(Inspect, data) do
      nil -> Inspect.Tasklens.kernel_inspect(data, opts)
      impl -> impl.inspect(data, Inspect.Tasklens.to_opts(opts))
    end
  end
end

# Kernel.inspect/1,2 and IO.inspect/1,2,3 written in a scenario come here: when some struct
# implements Inspect, the term is walked and every such struct is replaced by its rendering
# (a {:"$tasklens_inspected", text, :"$tasklens_inspected"} marker that the native inspect
# prints as is), so custom
# implementations are used inside nested data too. Without such structs, this is the native call.
defmodule Inspect.Tasklens do
  def kernel_inspect(term), do: kernel_inspect(term, [])

  def kernel_inspect(term, opts) do
    keywords = to_keywords(opts)

    if Tasklens.VM.protocol_has_struct_impls(Inspect, nil) do
      Kernel.inspect(prepare(term, to_opts(opts)), keywords)
    else
      Kernel.inspect(term, keywords)
    end
  end

  def io_inspect(term), do: io_inspect(term, [])

  def io_inspect(term, opts) do
    if Tasklens.VM.protocol_has_struct_impls(Inspect, nil) do
      IO.inspect(prepare(term, to_opts(opts)), opts)
      term
    else
      IO.inspect(term, opts)
    end
  end

  def io_inspect(device, term, opts) do
    if Tasklens.VM.protocol_has_struct_impls(Inspect, nil) do
      IO.inspect(device, prepare(term, to_opts(opts)), opts)
      term
    else
      IO.inspect(device, term, opts)
    end
  end

  def to_opts(%Inspect.Opts{} = opts), do: opts
  def to_opts(opts) when is_list(opts), do: struct(Inspect.Opts, Enum.filter(opts, fn {k, _} -> k != :label end))

  def to_keywords(%Inspect.Opts{} = opts), do: Map.to_list(Map.delete(opts, :__struct__))
  def to_keywords(opts) when is_list(opts), do: opts

  def prepare(%{__struct__: name} = struct, opts) when is_atom(name) do
    case Tasklens.VM.protocol_impl_for(Inspect, struct) do
      nil -> Map.new(prepare_pairs(Tasklens.VM.map_to_list(struct), opts))
      impl -> {:"$tasklens_inspected", Inspect.Algebra.format(impl.inspect(struct, opts), opts.width), :"$tasklens_inspected"}
    end
  end

  def prepare(map, opts) when is_map(map), do: Map.new(prepare_pairs(Tasklens.VM.map_to_list(map), opts))
  def prepare(tuple, opts) when is_tuple(tuple), do: List.to_tuple(prepare_list(Tuple.to_list(tuple), opts))
  def prepare(list, opts) when is_list(list), do: prepare_list(list, opts)
  def prepare(other, _opts), do: other

  defp prepare_list([], _opts), do: []
  defp prepare_list([h | t], opts), do: [prepare(h, opts) | prepare_list(t, opts)]
  defp prepare_list(improper_tail, opts), do: prepare(improper_tail, opts)

  defp prepare_pairs([], _opts), do: []
  defp prepare_pairs([{k, v} | t], opts), do: [{prepare(k, opts), prepare(v, opts)} | prepare_pairs(t, opts)]

  # @derive {Inspect, only: [...]} / except: [...]: #Name<field: value, ...>
  def derived(%{__struct__: name} = struct, fields, opts) do
    shown = Enum.map_join(fields, ", ", fn f -> "#{Atom.to_string(f)}: #{kernel_inspect(Map.get(struct, f), opts)}" end)
    "#" <> Kernel.inspect(name) <> "<" <> shown <> (if shown == "", do: "...>", else: ", ...>")
  end
end

# Inspect.Algebra without line fitting: a document is a string (or a list of documents), so
# `concat`, `to_doc`, `group`, `nest`, `break`, `glue` and `container_doc` give the one-line
# form Elixir prints when the result fits its width.
defmodule Inspect.Algebra do
  def empty(), do: ""
  def string(s) when is_binary(s), do: s
  def concat(docs) when is_list(docs), do: Enum.map_join(docs, "", &format(&1, :infinity))
  def concat(a, b), do: format(a, :infinity) <> format(b, :infinity)
  def to_doc(term, opts), do: Inspect.Tasklens.kernel_inspect(term, opts)
  def break(), do: " "
  def break(s) when is_binary(s), do: s
  def line(), do: "\n"
  def line(a, b), do: concat([a, "\n", b])
  def glue(a, b), do: concat([a, " ", b])
  def glue(a, s, b) when is_binary(s), do: concat([a, s, b])
  def space(a, b), do: concat([a, " ", b])
  def nest(doc, _level), do: doc
  def nest(doc, _level, _mode), do: doc
  def group(doc), do: doc
  def group(doc, _mode), do: doc
  def color(doc, _key, _opts), do: doc
  def force_unfit(doc), do: doc
  def next_break_fits(doc), do: doc
  def next_break_fits(doc, _mode), do: doc
  def collapse_lines(_max), do: ""
  def fold_doc([], _fun), do: ""
  def fold_doc([doc], _fun), do: doc
  def fold_doc([doc | docs], fun), do: fun.(doc, fold_doc(docs, fun))

  def container_doc(left, collection, right, opts, fun, options \\ []) do
    separator = Keyword.get(options, :separator, ",")
    items = Enum.map(collection, fn item -> format(fun.(item, opts), :infinity) end)
    concat([left, Enum.join(items, separator <> " "), right])
  end

  def format(doc, _width) when is_binary(doc), do: doc
  def format(doc, _width) when is_list(doc), do: Enum.map_join(doc, "", &format(&1, :infinity))
end

defmodule Collectable do
  def __protocol__(:module), do: Collectable
  def __protocol__(:functions), do: [into: 1]
  def __protocol__(:consolidated?), do: false
  def __protocol__(:impls), do: :not_consolidated
  def impl_for(data), do: Tasklens.VM.protocol_impl_for(Collectable, data)

  def into(%{__struct__: _} = data) do
    case Tasklens.VM.protocol_impl_for(Collectable, data) do
      nil -> Tasklens.VM.undefined_protocol(Collectable, data)
      impl -> impl.into(data)
    end
  end

  def into(data), do: Tasklens.VM.undefined_protocol(Collectable, data)

  # Enum.into/2 and `for ... into:` with a struct implementing Collectable
  def __collect__(enum, impl, collectable) do
    {initial, fun} = impl.into(collectable)

    try do
      Enum.reduce(enum, initial, fn x, acc -> fun.(acc, {:cont, x}) end)
    catch
      kind, reason ->
        fun.(initial, :halt)
        :erlang.raise(kind, reason, __STACKTRACE__)
    else
      acc -> fun.(acc, :done)
    end
  end
end
