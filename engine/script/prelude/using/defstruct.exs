# Injected by `defstruct` (without @enforce_keys).
def __struct__(), do: @__struct_default__
def __struct__(kv), do: Kernel.struct!(@__struct_default__, kv)
