# Injected by `defexception` after the struct functions.
def exception(args) when is_list(args), do: Kernel.struct!(@__struct_default__, args)
