# Injected by `defstruct` (without @enforce_keys). Fields are set with the map update syntax,
# as Elixir's generated __struct__/1 does: an unknown key raises KeyError without a term.
def __struct__(), do: @__struct_default__
def __struct__(kv), do: Enum.reduce(kv, @__struct_default__, fn {key, val}, map -> %{map | key => val} end)
